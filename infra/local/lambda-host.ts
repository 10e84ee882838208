// Runs the manifest's functions in this process the way Lambda would: each entry module imported once (a warm
// instance), called as `handler(event, context)` with a Lambda-like context, and cut off at the function's timeout.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../manifest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;
export type FunctionInfo = Pick<FunctionSpec, 'id' | 'timeoutSeconds' | 'memoryMb'>;

/** The invocation outlived the function's timeout; Lambda would have stopped it and reported an error. */
export class InvocationTimeout extends Error {
  constructor(fn: string, seconds: number) {
    super(`${fn} timed out after ${seconds} s`);
    this.name = 'InvocationTimeout';
  }
}

const region = () => process.env.AWS_REGION ?? 'us-east-1';

export function lambdaContext(fn: FunctionInfo, deadline = Date.now() + fn.timeoutSeconds * 1000): Context {
  const name = `govtiers-${fn.id}`;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region()}:000000000000:function:${name}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** The entry module's `handler`, imported once; the runtime runs under tsx, so `.ts` entries load as they are. */
export function handlerLoader(root = REPO_ROOT) {
  const loaded = new Map<string, Promise<LambdaHandler>>();
  return (spec: Pick<FunctionSpec, 'id' | 'entry'>): Promise<LambdaHandler> => {
    let handler = loaded.get(spec.entry);
    if (!handler) {
      handler = import(pathToFileURL(resolve(root, spec.entry)).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} (function ${spec.id}) exports no handler`);
        return mod.handler as LambdaHandler;
      });
      handler.catch(() => loaded.delete(spec.entry)); // a later call tries again, as a new Lambda instance would
      loaded.set(spec.entry, handler);
    }
    return handler;
  };
}

/**
 * One invocation: the handler's result, or an error if it threw or ran past the timeout. As on Lambda, a timed-out
 * handler's result no longer counts; unlike Lambda, its work cannot be stopped and finishes in the background.
 */
export async function invoke(handler: LambdaHandler, event: unknown, fn: FunctionInfo): Promise<unknown> {
  const context = lambdaContext(fn);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeout(context.functionName, fn.timeoutSeconds)), fn.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
