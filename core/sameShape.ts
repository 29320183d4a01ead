/**
 * True only when A and B are the same type, not merely assignable one way: two declarations of one shape (the
 * domain's interface and a schema that parses into it) agree field for field, optional for optional.
 */
export type SameShape<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * A compile-time check, free at run time: `shapesAgree<SameShape<X, Y>>()` does not type-check unless X and Y are
 * the same shape. A schema that drops a field the domain added (zod strips unknown keys) fails `npm run typecheck`.
 */
export const shapesAgree = <Agree extends true>(): Agree | undefined => undefined;
