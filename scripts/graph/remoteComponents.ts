/**
 * What a remote (multi-language) component registers by itself. Under Pulumi's mocks a remote component is one
 * opaque registration: its provider, which registers the children, does not run. Each entry is read from the
 * component's own source, so the preview-shaped run can tell when the engine would see a child and when not.
 */
export interface RemoteChild {
  /** The component's type token, as the program registers it. */
  component: string;
  /** The child it registers. */
  child: string;
  /**
   * `all-inputs`: registered inside an apply over all of the component's inputs, so only once every input is
   * known (never during a preview in which one is unknown).
   */
  registeredWhen: 'all-inputs';
  source: string;
}

export const REMOTE_CHILDREN: readonly RemoteChild[] = [
  {
    component: 'awsx:ecr:Image',
    child: 'docker-build:index:Image',
    registeredWhen: 'all-inputs',
    source:
      'pulumi/pulumi-awsx awsx/ecr/image.ts: `this.imageUri = pulumi.output(args).apply((args) => computeImageFromAsset(args, this))`, and computeImageFromAsset does `new docker.Image(imageName, …, { parent })`',
  },
];
