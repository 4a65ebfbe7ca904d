// Generates GraphQL types from protobuf message and enum reflection, so that
// every object type mapped from a message has exactly the message's fields
// under their proto JSON names. Values are the messages as @grpc/proto-loader
// decodes them (LOADER_OPTIONS in protos.js), so the default field resolvers
// apply; a type may add fields of its own (`extraFields`), which the drift
// test lists explicitly.
//
// Scalar mapping: string → String, bool → Boolean, int32/uint32 → Int,
// double/float → Float, int64/uint64 → Int64, google.protobuf.Timestamp →
// DateTime (RFC 3339), map<string,string> → StringMap (a JSON object, as in
// the proto JSON mapping). Scalars and repeated fields are non-null (proto3
// always has a value); message fields are nullable (absent when unset).
// Enum values *_UNSPECIFIED are left out (they mean "not set").
import {
  GraphQLBoolean, GraphQLEnumType, GraphQLError, GraphQLFloat, GraphQLInt, GraphQLList,
  GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLString, Kind,
} from 'graphql';
import protobuf from 'protobufjs';

function isProtoTimestamp(value) {
  return value !== null && typeof value === 'object' && 'seconds' in value;
}

// RFC 3339 in UTC exactly as protobuf's JSON mapping prints a Timestamp (and so as
// the HTTP/JSON API does): no fraction when nanos is 0, else 3, 6 or 9 digits.
export function formatTimestamp({ seconds, nanos }) {
  const whole = new Date(Number(seconds) * 1000).toISOString().replace('.000Z', '');
  if (!nanos) return `${whole}Z`;
  let digits = String(nanos).padStart(9, '0');
  while (digits.length > 3 && digits.endsWith('000')) digits = digits.slice(0, -3);
  return `${whole}.${digits}Z`;
}

function outputOnly(name) {
  return () => {
    throw new GraphQLError(`${name} is an output type here; it cannot be an argument`);
  };
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in RFC 3339 (google.protobuf.Timestamp in proto JSON).',
  serialize: (value) => (isProtoTimestamp(value) ? formatTimestamp(value) : String(value)),
  parseValue: outputOnly('DateTime'),
  parseLiteral: outputOnly('DateTime'),
});

export const Int64Scalar = new GraphQLScalarType({
  name: 'Int64',
  description: 'A 64-bit integer (int64/uint64), as a JSON number; values past 2^53 lose precision.',
  serialize: (value) => Number(value),
  parseValue: (value) => {
    if (!Number.isSafeInteger(value)) throw new GraphQLError('Int64 must be an integer');
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Int64 must be an integer');
    return Number(ast.value);
  },
});

export const StringMapScalar = new GraphQLScalarType({
  name: 'StringMap',
  description: 'A map<string,string> as a JSON object, as in the proto JSON mapping.',
  serialize: (value) => value ?? {},
  parseValue: outputOnly('StringMap'),
  parseLiteral: outputOnly('StringMap'),
});

const SCALARS = {
  string: GraphQLString,
  bool: GraphQLBoolean,
  int32: GraphQLInt,
  uint32: GraphQLInt,
  sint32: GraphQLInt,
  fixed32: GraphQLInt,
  sfixed32: GraphQLInt,
  double: GraphQLFloat,
  float: GraphQLFloat,
  int64: Int64Scalar,
  uint64: Int64Scalar,
  sint64: Int64Scalar,
  fixed64: Int64Scalar,
  sfixed64: Int64Scalar,
  bytes: GraphQLString,
};

// Builds (once per message) the GraphQL types of a protobufjs Root.
export class ProtoTypeFactory {
  constructor(root) {
    this.root = root;
    this.types = new Map();
    // GraphQL type name → full name (meshdex.v1.X) of the message it mirrors.
    this.messageOf = new Map();
    this.extraFieldsOf = new Map();
  }

  // The enum `fullName` (e.g. meshdex.v1.TrustState) under `name` (default:
  // its proto name), without the *_UNSPECIFIED value.
  enumType(fullName, name) {
    const protoEnum = this.root.lookupEnum(fullName);
    const typeName = name ?? protoEnum.name;
    if (!this.types.has(typeName)) {
      const values = {};
      for (const [value, number] of Object.entries(protoEnum.values)) {
        if (number !== 0 || !value.endsWith('_UNSPECIFIED')) {
          values[value] = { value, description: protoEnum.comments[value] ?? undefined };
        }
      }
      this.types.set(typeName, new GraphQLEnumType({
        name: typeName, description: protoEnum.comment ?? undefined, values,
      }));
    }
    return this.types.get(typeName);
  }

  // The object type of message `fullName`, named like the message. `extraFields`
  // (a thunk of GraphQL field configs) is merged in when the type is first built.
  objectType(fullName, extraFields) {
    const message = this.root.lookupType(fullName);
    const typeName = message.name;
    const messageName = message.fullName.slice(1);
    if (this.types.has(typeName)) {
      if (this.messageOf.get(typeName) !== messageName) {
        throw new Error(`GraphQL type ${typeName} would mirror two messages`);
      }
      return this.types.get(typeName);
    }
    if (extraFields) this.extraFieldsOf.set(typeName, extraFields);
    this.messageOf.set(typeName, messageName);
    this.types.set(typeName, new GraphQLObjectType({
      name: typeName,
      description: message.comment ?? `meshdex.v1 message ${message.name}`,
      fields: () => ({
        ...Object.fromEntries(message.fieldsArray.map((field) => [field.name, {
          type: this.fieldType(field),
          description: field.comment ?? undefined,
        }])),
        ...(this.extraFieldsOf.get(typeName)?.() ?? {}),
      }),
    }));
    return this.types.get(typeName);
  }

  fieldType(field) {
    if (field.map) return new GraphQLNonNull(StringMapScalar);
    let type;
    if (field.resolvedType?.fullName === '.google.protobuf.Timestamp') {
      type = DateTimeScalar;
    } else if (field.resolvedType instanceof protobuf.Enum) {
      type = new GraphQLNonNull(this.enumType(field.resolvedType.fullName.slice(1)));
    } else if (field.resolvedType) {
      type = this.objectType(field.resolvedType.fullName.slice(1));
    } else {
      type = new GraphQLNonNull(SCALARS[field.type]);
    }
    if (!field.repeated) return type;
    return new GraphQLNonNull(new GraphQLList(
      type instanceof GraphQLNonNull ? type : new GraphQLNonNull(type)));
  }
}
