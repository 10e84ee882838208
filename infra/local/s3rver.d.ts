// Minimal typing for s3rver 3.x (CommonJS, ships no types): only what infra/local uses.
declare module 's3rver' {
  import type { RequestListener } from 'node:http';

  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** The request handler, for a server of one's own. */
    callback(): RequestListener;
  }

  export = S3rver;
}
