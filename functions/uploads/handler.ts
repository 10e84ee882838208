import { getUnit } from '../../tenants/units';
import { ApiError } from '../../shared/errors';
import { apiFunction, route } from '../api-function';
import { startUploadOp } from './api';
import { startUpload } from './attachments';

export const routes = [
  route(startUploadOp, async ({ params, body, scope, deps }) => {
    scope!.require('uploads:create', params.code);
    // Files for a unit that is not there (or suspended) could never be claimed.
    if ((await getUnit(deps.store, params.code)).status !== 'active') throw new ApiError('not_found');
    return { status: 201, body: await startUpload(deps, scope!.principal, params.code, body) };
  }),
];

export const handler = apiFunction(routes);
