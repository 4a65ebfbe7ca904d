// The GraphQL schema of meshdex (read-only). Root fields are those of
// DESIGN.md section 4: product(urn), products(domain, first, after),
// search(query, facets, first, after; also types, filters), suggest(prefix), lineage(nodeId,
// direction, depth, level), runs(jobId, first). Object types are generated
// from the proto messages (proto-types.js) and keep their JSON field names;
// the fields added beside them are listed in EXTENSION_FIELDS.
//
// Lists that page are Relay-style connections over meshdexd's page tokens:
// `pageInfo.endCursor` is the server's next_page_token and is what `after`
// takes; `nodes` is the shortcut for `edges { node }`.
import {
  GraphQLBoolean, GraphQLError, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull,
  GraphQLObjectType, GraphQLSchema, GraphQLString,
} from 'graphql';
import { ProtoTypeFactory, Int64Scalar } from './proto-types.js';
import { loadReflectionRoot } from './protos.js';

// Fields the gateway adds to types mirrored from messages, by type name. The
// drift test checks that every other field exists in the message.
export const EXTENSION_FIELDS = {
  DataProduct: ['upstream', 'downstream'],
  SearchHit: ['product'],
  LineageNode: ['product'],
};

const nonNull = (type) => new GraphQLNonNull(type);
const listOf = (type) => nonNull(new GraphQLList(nonNull(type)));

// The length the cost limit assumes for lists without `first` (lineage
// neighbours, lineage graphs, suggestions).
const UNPAGED_LIST_SIZE = 10;
// Lineage walks through the gateway go at most this deep (meshdexd allows 50).
const MAX_LINEAGE_DEPTH = 10;

function checkFirst(first, maxFirst) {
  if (first !== undefined && first !== null && (first < 1 || first > maxFirst)) {
    throw new GraphQLError(`first must be between 1 and ${maxFirst}, got ${first}`,
      { extensions: { code: 'BAD_USER_INPUT', argument: 'first', maxFirst } });
  }
}

function checkDepth(depth) {
  if (depth < 1 || depth > MAX_LINEAGE_DEPTH) {
    throw new GraphQLError(`depth must be between 1 and ${MAX_LINEAGE_DEPTH}, got ${depth}`,
      { extensions: { code: 'BAD_USER_INPUT', argument: 'depth', maxDepth: MAX_LINEAGE_DEPTH } });
  }
}

const PageInfo = new GraphQLObjectType({
  name: 'PageInfo',
  fields: {
    hasNextPage: { type: nonNull(GraphQLBoolean) },
    endCursor: {
      type: GraphQLString,
      description: 'Pass as `after` for the next page; null on the last page.',
    },
  },
});

function connectionType(name, nodeType, extraFields = {}) {
  const edge = new GraphQLObjectType({
    name: `${name}Edge`,
    fields: { node: { type: nonNull(nodeType) } },
  });
  return new GraphQLObjectType({
    name: `${name}Connection`,
    fields: {
      edges: { type: listOf(edge), resolve: (page) => page.items.map((node) => ({ node })) },
      nodes: { type: listOf(nodeType), resolve: (page) => page.items },
      pageInfo: {
        type: nonNull(PageInfo),
        resolve: (page) => ({ hasNextPage: Boolean(page.nextPageToken),
          endCursor: page.nextPageToken || null }),
      },
      ...extraFields,
    },
  });
}

// Pagination arguments and their cost declaration (limits.js).
function pageArgs(defaultFirst) {
  return {
    first: { type: GraphQLInt, defaultValue: defaultFirst },
    after: { type: GraphQLString, description: 'A previous page\'s pageInfo.endCursor.' },
  };
}

// `limits.maxFirst`: the largest `first` any field takes.
export function buildSchema(limits) {
  const factory = new ProtoTypeFactory(loadReflectionRoot());
  const direction = factory.enumType('meshdex.v1.GetLineageRequest.Direction', 'LineageDirection');
  const level = factory.enumType('meshdex.v1.GetLineageRequest.Level', 'LineageLevel');

  // The products `depth` product-level hops up or down from `product`.
  const neighbours = (lineageDirection) => ({
    type: listOf(factory.objectType('meshdex.v1.DataProduct')),
    description: `Products ${lineageDirection === 'UPSTREAM' ? 'feeding' : 'fed by'} this one `
      + 'through lineage, up to `depth` product hops away.',
    args: { depth: { type: GraphQLInt, defaultValue: 1 } },
    extensions: { cost: { listSize: UNPAGED_LIST_SIZE } },
    resolve: async (product, { depth }, { backend }) => {
      checkDepth(depth);
      const urn = product.metadata.urn;
      const graph = await backend.lineage({
        nodeId: urn, direction: lineageDirection, depth, level: 'PRODUCT',
      });
      const urns = graph.nodes.filter((node) => node.productUrn && node.productUrn !== urn)
        .map((node) => node.productUrn);
      return (await backend.products([...new Set(urns)])).filter(Boolean);
    },
  });

  const DataProduct = factory.objectType('meshdex.v1.DataProduct', () => ({
    upstream: neighbours('UPSTREAM'),
    downstream: neighbours('DOWNSTREAM'),
  }));
  // The product a search hit or lineage node stands for (null for datasets
  // and jobs), fetched in one batch for the whole result.
  const productOf = (urnOf) => ({
    type: DataProduct,
    resolve: (item, _args, { backend }) => (urnOf(item) ? backend.product(urnOf(item)) : null),
  });
  const SearchHit = factory.objectType('meshdex.v1.SearchHit', () => ({
    product: productOf((hit) => (hit.type === 'product' ? hit.urn : '')),
  }));
  factory.objectType('meshdex.v1.LineageNode', () => ({
    product: productOf((node) => node.productUrn),
  }));
  const LineageGraph = factory.objectType('meshdex.v1.LineageGraph');
  const Facet = factory.objectType('meshdex.v1.Facet');
  const Suggestion = factory.objectType('meshdex.v1.Suggestion');
  const Run = factory.objectType('meshdex.v1.Run');

  const SearchFilterInput = new GraphQLInputObjectType({
    name: 'SearchFilterInput',
    description: 'As `field:value` in the query (`-field:value` with exclude), the value verbatim.',
    fields: {
      field: { type: nonNull(GraphQLString) },
      value: { type: nonNull(GraphQLString) },
      exclude: { type: GraphQLBoolean, defaultValue: false },
    },
  });
  const SearchConnection = connectionType('Search', SearchHit, {
    facets: { type: listOf(Facet), resolve: (page) => page.response.facets },
    totalEstimate: { type: nonNull(Int64Scalar), resolve: (page) => page.response.totalEstimate },
    approximate: { type: nonNull(GraphQLBoolean), resolve: (page) => page.response.approximate },
    didYouMean: { type: nonNull(GraphQLString), resolve: (page) => page.response.didYouMean },
  });

  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      product: {
        type: DataProduct,
        description: 'One product by URN (urn:dp:<domain>:<name>); null when there is none.',
        args: { urn: { type: nonNull(GraphQLString) } },
        resolve: (_root, { urn }, { backend }) => backend.product(urn),
      },
      products: {
        type: nonNull(connectionType('DataProduct', DataProduct)),
        description: 'Products, by URN, optionally of one domain.',
        args: { domain: { type: GraphQLString }, ...pageArgs(20) },
        resolve: async (_root, { domain, first, after }, { backend }) => {
          checkFirst(first, limits.maxFirst);
          const response = await backend.call('catalog', 'ListProducts',
            { domain: domain ?? '', pageSize: first, pageToken: after ?? '' });
          return { items: response.products, nextPageToken: response.nextPageToken };
        },
      },
      search: {
        type: nonNull(SearchConnection),
        description: 'Full-text search (README, Search, for the query syntax) with facet counts.',
        args: {
          query: { type: GraphQLString, defaultValue: '' },
          facets: { type: new GraphQLList(nonNull(GraphQLString)), defaultValue: [] },
          types: { type: new GraphQLList(nonNull(GraphQLString)), defaultValue: [] },
          filters: {
            type: new GraphQLList(nonNull(SearchFilterInput)),
            defaultValue: [],
            description: 'Field filters apart from the query text (SearchRequest.filters).',
          },
          minSequence: {
            type: Int64Scalar,
            description: 'Wait (bounded) until the index has applied this change-log sequence.',
          },
          highlight: { type: GraphQLBoolean, defaultValue: false },
          ...pageArgs(10),
        },
        resolve: async (_root, args, { backend }) => {
          checkFirst(args.first, limits.maxFirst);
          const response = await backend.call('search', 'Search', {
            query: args.query, facets: args.facets, types: args.types, filters: args.filters,
            pageSize: args.first,
            pageToken: args.after ?? '', minSequence: args.minSequence ?? 0,
            highlight: args.highlight,
          });
          return { items: response.hits, nextPageToken: response.nextPageToken, response };
        },
      },
      suggest: {
        type: listOf(Suggestion),
        description: 'Typeahead completions of a prefix.',
        args: { prefix: { type: nonNull(GraphQLString) }, limit: { type: GraphQLInt } },
        extensions: { cost: { listSize: UNPAGED_LIST_SIZE } },
        resolve: async (_root, { prefix, limit }, { backend }) =>
          (await backend.call('search', 'Suggest', { prefix, limit: limit ?? 0 })).suggestions,
      },
      lineage: {
        type: nonNull(LineageGraph),
        description: 'The lineage graph around a node (dataset:<ns>:<name>, job:<ns>:<name> or '
          + 'a product URN).',
        args: {
          nodeId: { type: nonNull(GraphQLString) },
          direction: { type: direction, defaultValue: 'BOTH' },
          depth: { type: GraphQLInt, defaultValue: 3 },
          level: { type: level, defaultValue: 'DATASET' },
          maxNodes: { type: GraphQLInt, defaultValue: 1000 },
        },
        extensions: { cost: { listSize: UNPAGED_LIST_SIZE } },
        resolve: (_root, args, { backend }) => {
          checkDepth(args.depth);
          return backend.lineage({ nodeId: args.nodeId, direction: args.direction,
            depth: args.depth, level: args.level, maxNodes: args.maxNodes });
        },
      },
      runs: {
        type: nonNull(connectionType('Run', Run)),
        description: 'Runs of a job (job:<namespace>:<name>), newest first.',
        args: { jobId: { type: nonNull(GraphQLString) }, ...pageArgs(20) },
        resolve: async (_root, { jobId, first, after }, { backend }) => {
          checkFirst(first, limits.maxFirst);
          const response = await backend.call('lineage', 'ListRuns',
            { jobId, pageSize: first, pageToken: after ?? '' });
          return { items: response.runs, nextPageToken: response.nextPageToken };
        },
      },
    },
  });
  const schema = new GraphQLSchema({ query: Query });
  return { schema, messageOf: factory.messageOf };
}
