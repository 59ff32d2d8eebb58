import { ObjectType, type ObjectTypeOptions } from 'type-graphql';

/**
 * type-graphql's `@ObjectType` whose plain fields are read straight off the object. Without
 * `simpleResolvers` each plain field gets a wrapper resolver that runs the middleware stack —
 * this API has no middlewares, and on a 50-user page those wrappers were a large share of the
 * execution time. Field resolvers (`@FieldResolver`) are unaffected.
 */
export function OutputType(
  name?: string | ObjectTypeOptions,
  options: ObjectTypeOptions = {},
): ClassDecorator {
  if (typeof name === 'string') return ObjectType(name, { ...options, simpleResolvers: true });
  return ObjectType({ ...name, simpleResolvers: true });
}
