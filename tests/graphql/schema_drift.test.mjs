// The GraphQL schema cannot drift from the proto: every object type mirrored
// from a message has exactly the message's fields under their proto JSON
// names (checked here against @grpc/proto-loader's descriptors, a different
// reading of the .proto files than the protobufjs reflection the types are
// generated from), and the root fields are DESIGN.md's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayModule } from './harness.mjs';

const { buildSchema, EXTENSION_FIELDS } = await gatewayModule('schema');
const { loadPackageDefinition } = await gatewayModule('protos');
const { DEFAULT_LIMITS } = await gatewayModule('limits');
const { schema, messageOf } = buildSchema(DEFAULT_LIMITS);
const definitions = loadPackageDefinition();

// protoc's JSON name: underscores dropped, the letter after each upper-cased.
function jsonName(protoName) {
  return protoName.replace(/_([a-z0-9])/g, (_match, letter) => letter.toUpperCase());
}

function messageFields(fullName) {
  const definition = definitions[fullName];
  assert.ok(definition, `${fullName} is not in the proto files`);
  return definition.type.field;
}

test('every mirrored type has exactly its message\'s fields, by JSON name', () => {
  assert.ok(messageOf.size >= 15, `only ${messageOf.size} types mirror messages`);
  for (const [typeName, fullName] of messageOf) {
    const graphqlFields = Object.keys(schema.getType(typeName).getFields());
    const extensions = EXTENSION_FIELDS[typeName] ?? [];
    const protoFields = messageFields(fullName).map((field) => jsonName(field.name));
    for (const field of graphqlFields.filter((name) => !extensions.includes(name))) {
      assert.ok(protoFields.includes(field), `${typeName}.${field} is not a field of ${fullName}`);
    }
    for (const field of protoFields) {
      assert.ok(graphqlFields.includes(field), `${fullName}.${field} is missing from ${typeName}`);
    }
    for (const extension of extensions) {
      assert.ok(!protoFields.includes(extension),
        `${typeName}.${extension} is listed as an extension but is a field of ${fullName}`);
    }
  }
});

test('field types follow the proto field types', () => {
  const expected = {
    TYPE_STRING: 'String!', TYPE_BOOL: 'Boolean!', TYPE_INT32: 'Int!', TYPE_DOUBLE: 'Float!',
    TYPE_INT64: 'Int64!', TYPE_UINT64: 'Int64!',
  };
  for (const [typeName, fullName] of messageOf) {
    const fields = schema.getType(typeName).getFields();
    for (const field of messageFields(fullName)) {
      const graphqlType = String(fields[jsonName(field.name)].type);
      if (field.label === 'LABEL_REPEATED' && field.type !== 'TYPE_MESSAGE') {
        assert.equal(graphqlType, `[${expected[field.type]}]!`, `${typeName}.${field.name}`);
      } else if (expected[field.type]) {
        assert.equal(graphqlType, expected[field.type], `${typeName}.${field.name}`);
      }
    }
  }
});

test('the product types the issue names are there with their JSON names', () => {
  const port = schema.getType('Port').getFields();
  assert.deepEqual(['name', 'kind', 'address', 'schema'].filter((name) => !port[name]), []);
  assert.equal(String(schema.getType('SchemaField').getFields().classification.type), 'String!');
  assert.equal(String(schema.getType('DataProductSpec').getFields().outputPorts.type), '[Port!]!');
  assert.equal(String(schema.getType('DataProductSpec').getFields().glossaryTerms.type),
    '[String!]!');
  assert.deepEqual(schema.getType('TrustState').getValues().map((value) => value.name),
    ['FRESH', 'STALE', 'UNKNOWN']);
});

test('the root fields and their arguments are those of DESIGN.md section 4', () => {
  const query = schema.getQueryType().getFields();
  const required = {
    product: ['urn'], products: ['domain', 'first', 'after'],
    search: ['query', 'facets', 'first', 'after'], suggest: ['prefix'],
    lineage: ['nodeId', 'direction', 'depth', 'level'], runs: ['jobId', 'first'],
  };
  for (const [field, args] of Object.entries(required)) {
    assert.ok(query[field], `Query.${field} is missing`);
    const names = query[field].args.map((arg) => arg.name);
    for (const arg of args) assert.ok(names.includes(arg), `Query.${field}(${arg}) is missing`);
  }
  const product = schema.getType('DataProduct').getFields();
  for (const field of ['upstream', 'downstream']) {
    assert.deepEqual(product[field].args.map((arg) => arg.name), ['depth']);
  }
  assert.equal(schema.getMutationType(), undefined, 'the GraphQL API is read-only');
});

test('a DateTime prints as protobuf\'s JSON mapping prints the Timestamp', async () => {
  const { formatTimestamp } = await gatewayModule('proto-types');
  const at = (nanos) => formatTimestamp({ seconds: 1795000197, nanos });
  // Fractions are 0, 3, 6 or 9 digits, never trimmed further (a nanos value
  // ending in 0 once made the gateway print 8 digits where the API printed 9).
  assert.equal(at(0), '2026-11-18T11:09:57Z');
  assert.equal(at(907824180), '2026-11-18T11:09:57.907824180Z');
  assert.equal(at(907824000), '2026-11-18T11:09:57.907824Z');
  assert.equal(at(900000000), '2026-11-18T11:09:57.900Z');
  assert.equal(at(1), '2026-11-18T11:09:57.000000001Z');
  assert.equal(at(1000), '2026-11-18T11:09:57.000001Z');
});
