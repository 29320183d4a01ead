import type * as pulumi from '@pulumi/pulumi';

/**
 * Options for resources that hold data users cannot get back (the table, the user pool): on protected stacks
 * (main) Pulumi refuses to delete them and, if they leave the program, leaves them in AWS.
 */
export const statefulResourceOptions = (protect: boolean, parent: pulumi.Resource): pulumi.CustomResourceOptions => ({
  parent,
  protect,
  retainOnDelete: protect,
});

/**
 * Options for what must outlive the stack itself on every stack that has it: audit logs, backup vaults and the keys
 * their recovery points are encrypted with (docs/data-safety.md). Removed from the program or destroyed with the
 * stack, they stay in AWS; on protected stacks Pulumi refuses to delete them at all.
 */
export const retainedResourceOptions = (protect: boolean, parent: pulumi.Resource): pulumi.CustomResourceOptions => ({
  parent,
  protect,
  retainOnDelete: true,
});
