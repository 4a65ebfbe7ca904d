#include "tests/bench/vocabulary.h"

#include <unordered_set>

namespace meshdex::bench {
namespace {

// Syllables of the made-up tail words.
constexpr const char* kOnsets[] = {"b", "c", "d", "f", "g", "k", "l", "m", "n", "p",
                                   "r", "s", "t", "v", "z", "br", "cl", "tr", "st", "gr"};
constexpr const char* kNuclei[] = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
constexpr const char* kCodas[] = {"", "n", "r", "s", "x", "l", "m", "th"};
constexpr int kTailWords = 6000;

std::vector<std::string> BuildDescriptionWords() {
  std::vector<std::string> words = {
      "data", "orders", "customer", "daily", "events", "sales", "product", "report",
      "records", "table", "stream", "service", "payments", "shipments", "inventory", "revenue",
      "users", "account", "transactions", "metrics", "marketing", "analytics", "warehouse",
      "pipeline", "latest", "monthly", "weekly", "hourly", "store", "delivery", "parcel",
      "invoice", "billing", "supplier", "catalog", "price", "pricing", "stock", "logistics",
      "tracking", "session", "click", "campaign", "conversion", "funnel", "retention", "churn",
      "forecast", "demand", "supply", "route", "carrier", "fleet", "vehicle", "driver",
      "machine", "sensor", "telemetry", "production", "quality", "defect", "batch", "plant",
      "energy", "consumption", "emissions", "finance", "ledger", "budget", "cost", "margin",
      "refund", "returns", "claims", "policy", "insurance", "risk", "fraud", "score",
      "model", "features", "training", "experiment", "cohort", "segment", "audience", "email",
      "notification", "support", "ticket", "agent", "call", "chat", "survey", "feedback",
      "review", "rating", "recommendation", "search", "query", "index", "page", "view",
      "content", "article", "media", "video", "audio", "subscription", "plan", "tier",
      "contract", "partner", "vendor", "procurement", "purchase", "cart", "checkout",
      "order", "item", "line", "sku", "category", "brand", "region", "country", "city",
      "location", "address", "geography", "timezone", "calendar", "holiday", "schedule",
      "shift", "employee", "payroll", "hiring", "candidate", "department", "team", "project",
      "task", "incident", "alert", "outage", "latency", "availability", "capacity", "usage",
      "storage", "compute", "cluster", "node", "job", "workflow", "lineage", "snapshot",
      "history", "archive", "raw", "cleaned", "curated", "aggregated", "enriched", "joined",
      "deduplicated", "normalized", "validated", "sampled", "anonymized", "masked",
      "encrypted", "personal", "sensitive", "public", "internal", "external", "partner",
      "global", "european", "american", "asian", "domestic", "international", "wholesale",
      "retail", "online", "offline", "mobile", "web", "desktop", "device", "browser", "app",
      "release", "version", "feature", "flag", "rollout", "build", "deploy", "test",
      "coverage", "benchmark", "throughput", "volume", "balance", "exchange", "currency",
      "rate", "tax", "discount", "coupon", "loyalty", "reward", "points", "member",
      "household", "patient", "visit", "prescription", "clinic", "trial", "lab", "result",
      "shipment", "container", "port", "vessel", "customs", "border", "warehouse",
      "picking", "packing", "dispatch", "arrival", "departure", "delay", "eta", "weather",
      "temperature", "humidity", "pressure", "vibration", "maintenance", "repair", "spare",
      "part", "assembly", "line", "yield", "scrap", "energy", "grid", "meter", "tariff"};
  // Deterministic made-up words: two syllables from a fixed walk over the
  // onset/nucleus/coda tables. Repeats (of a real word too) are skipped.
  const int onsets = sizeof(kOnsets) / sizeof(kOnsets[0]);
  const int nuclei = sizeof(kNuclei) / sizeof(kNuclei[0]);
  const int codas = sizeof(kCodas) / sizeof(kCodas[0]);
  for (int i = 0; i < kTailWords; ++i) {
    const int a = i % onsets, b = (i / onsets) % nuclei, c = (i / (onsets * nuclei)) % onsets,
              d = (i / (onsets * nuclei * onsets)) % nuclei, e = (i * 7) % codas;
    words.push_back(std::string(kOnsets[a]) + kNuclei[b] + kOnsets[c] + kNuclei[d] + kCodas[e]);
  }
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (std::string& word : words) {
    if (seen.insert(word).second) unique.push_back(std::move(word));
  }
  return unique;
}

}  // namespace

const std::vector<std::string>& DescriptionWords() {
  static const std::vector<std::string>* words =
      new std::vector<std::string>(BuildDescriptionWords());
  return *words;
}

const std::vector<std::string>& DomainAreas() {
  static const std::vector<std::string>* areas = new std::vector<std::string>{
      "sales",     "logistics", "production", "finance",   "marketing", "customer",
      "supply",    "hr",        "risk",        "payments",  "inventory", "fleet",
      "energy",    "support",   "commerce",    "pricing",   "research",  "security",
      "platform",  "media",     "health",      "insurance", "procurement", "legal"};
  return *areas;
}

const std::vector<std::string>& TagWords() {
  static const std::vector<std::string>* tags = new std::vector<std::string>{
      "core", "gold", "silver", "bronze", "pii", "gdpr", "realtime", "batch", "kpi",
      "finance", "certified", "experimental", "deprecated", "ml", "reporting", "external",
      "partner", "daily", "hourly", "sox", "hipaa", "pci", "open-data", "internal", "golden-record",
      "master-data", "reference", "streaming", "curated", "raw", "self-serve", "tier-1",
      "tier-2", "tier-3", "cost-center", "europe", "americas", "apac", "legacy", "migrated"};
  return *tags;
}

const std::vector<FieldWord>& FieldWords() {
  static const std::vector<FieldWord>* fields = new std::vector<FieldWord>{
      {"id", false}, {"created_at", false}, {"updated_at", false}, {"customer_id", false},
      {"order_id", false}, {"product_id", false}, {"amount", false}, {"currency", false},
      {"quantity", false}, {"status", false}, {"event_time", false}, {"event_type", false},
      {"email", true}, {"phone_number", true}, {"first_name", true}, {"last_name", true},
      {"date_of_birth", true}, {"street_address", true}, {"postal_code", true},
      {"ip_address", true}, {"device_id", false}, {"session_id", false}, {"country_code", false},
      {"region", false}, {"price", false}, {"discount", false}, {"tax_amount", false},
      {"warehouse_id", false}, {"carrier", false}, {"tracking_number", false},
      {"shipped_at", false}, {"delivered_at", false}, {"sensor_id", false},
      {"temperature", false}, {"reading_value", false}, {"machine_id", false},
      {"batch_number", false}, {"iban", true}, {"card_last4", true}, {"tax_id", true},
      {"employee_id", false}, {"salary", true}, {"department", false}, {"score", false},
      {"label", false}, {"model_version", false}, {"feature_vector", false},
      {"campaign_id", false}, {"channel", false}, {"user_agent", false}, {"referrer", false},
      {"latitude", true}, {"longitude", true}, {"is_active", false}, {"notes", false}};
  return *fields;
}

}  // namespace meshdex::bench
