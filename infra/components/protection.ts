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
