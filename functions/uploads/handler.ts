import { apiFunction, route } from '../api-function';
import { startUploadOp } from './api';
import { startUploadAt } from './attachments';

export const routes = [route(startUploadOp, async ({ params, body, scope, deps }) => ({ status: 201, body: await startUploadAt(deps, scope!, params.code, body) }))];

export const handler = apiFunction(routes);
