// Query limits, checked before anything is executed (graphql-js validation
// rules), so an abusive query costs the gateway a parse and a walk and
// meshdexd nothing:
//  * depth: the longest chain of nested fields;
//  * cost: every field costs 1, and a field returning a list multiplies the
//    cost of what is selected under it by its `first` argument (or, without
//    one, by its declared `extensions.cost.listSize`), so
//    `products(first: 100) { nodes { upstream { upstream { title } } } }`
//    is charged for every product it could visit;
//  * `first` above MAX_FIRST is refused (by the resolvers, with code
//    BAD_USER_INPUT; see schema.js).
// Introspection (__schema, __type) is exempt: it is bounded by the schema.
// Errors carry extensions.code QUERY_TOO_DEEP or QUERY_TOO_COMPLEX.
import { GraphQLError, Kind, getNamedType, valueFromAST } from 'graphql';

export const DEFAULT_LIMITS = { maxDepth: 12, maxCost: 5000, maxFirst: 100 };

function isIntrospection(node) {
  return node.name.value.startsWith('__');
}

// The fields selected directly under `selectionSet` of `parentType` (through
// inline fragments and fragment spreads), each with its definition (undefined
// for an unknown field, which graphql-js's own rules report) and the fragments
// spread on the way to it. A fragment is followed once per path, so a cycle
// (which the NoFragmentCycles rule reports) cannot recurse forever here.
function fieldsOf(context, parentType, selectionSet, seenFragments = new Set()) {
  const out = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (isIntrospection(selection)) continue;
      const fieldDef = parentType?.getFields?.()[selection.name.value];
      out.push({ node: selection, fieldDef, seenFragments });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? context.getSchema().getType(selection.typeCondition.name.value) : parentType;
      out.push(...fieldsOf(context, type, selection.selectionSet, seenFragments));
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (!fragment || seenFragments.has(name)) continue;
      const type = context.getSchema().getType(fragment.typeCondition.name.value);
      out.push(...fieldsOf(context, type, fragment.selectionSet, new Set([...seenFragments, name])));
    }
  }
  return out;
}

function depthOf(context, parentType, selectionSet, seenFragments) {
  let deepest = 0;
  for (const { node, fieldDef, seenFragments: seen } of
    fieldsOf(context, parentType, selectionSet, seenFragments)) {
    const below = node.selectionSet
      ? depthOf(context, fieldDef && getNamedType(fieldDef.type), node.selectionSet, seen)
      : 0;
    deepest = Math.max(deepest, 1 + below);
  }
  return deepest;
}

// The multiplier a list field applies to what is selected under it.
function listSizeOf(node, fieldDef, variables) {
  if (!fieldDef) return 1;
  const declared = fieldDef.extensions?.cost?.listSize;
  const firstArgDef = fieldDef.args.find((arg) => arg.name === 'first');
  const firstNode = node.arguments?.find((arg) => arg.name.value === 'first');
  if (firstArgDef) {
    const value = firstNode ? valueFromAST(firstNode.value, firstArgDef.type, variables)
      : firstArgDef.defaultValue;
    if (Number.isInteger(value) && value > 0) return value;
  }
  return declared ?? 1;
}

function costOf(context, parentType, selectionSet, variables, seenFragments) {
  let total = 0;
  for (const { node, fieldDef, seenFragments: seen } of
    fieldsOf(context, parentType, selectionSet, seenFragments)) {
    const below = node.selectionSet
      ? costOf(context, fieldDef && getNamedType(fieldDef.type), node.selectionSet, variables, seen)
      : 0;
    total += 1 + listSizeOf(node, fieldDef, variables) * below;
  }
  return total;
}

function rootTypeOf(context, operation) {
  return context.getSchema().getRootType(operation.operation);
}

export function depthLimitRule(maxDepth) {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = depthOf(context, rootTypeOf(context, operation), operation.selectionSet);
      if (depth > maxDepth) {
        context.reportError(new GraphQLError(
          `query depth ${depth} exceeds the limit of ${maxDepth}`,
          { nodes: [operation], extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth } }));
      }
    },
  });
}

// `variables`: the request's variable values (a `first: $n` counts as $n).
export function costLimitRule(maxCost, variables = {}) {
  return (context) => ({
    OperationDefinition(operation) {
      const cost = costOf(context, rootTypeOf(context, operation), operation.selectionSet,
        variables ?? {});
      if (cost > maxCost) {
        context.reportError(new GraphQLError(
          `query cost ${cost} exceeds the limit of ${maxCost}`,
          { nodes: [operation], extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost } }));
      }
    },
  });
}
