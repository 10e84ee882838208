import { apiFunction, route } from '../api-function';
import { addStaff, changeDepartment, changeStaff, createDepartment, listDepartments, listStaff, requireUnit, staffView } from '../../tenants/people';
import { listDisputes, myBusiness, myCitizen, registerBusiness, registerCitizen, resolveDispute } from '../../tenants/accounts';
import {
  changeDepartmentOp,
  changeStaffOp,
  createDepartmentOp,
  createStaffOp,
  listDepartmentsOp,
  listDisputesOp,
  listStaffOp,
  myBusinessOp,
  myCitizenOp,
  registerBusinessOp,
  registerCitizenOp,
  resolveDisputeOp,
} from './api';

export const routes = [
  route(createDepartmentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('people:manage', params.code);
    return { status: 201, body: await createDepartment(deps, principal!, params.code, body) };
  }),
  route(listDepartmentsOp, async ({ params, query, scope, deps }) => {
    scope!.require('unit:read', params.code);
    await requireUnit(deps.store, params.code);
    return { status: 200, body: await listDepartments(deps.store, params.code, query.limit, query.cursor) };
  }),
  route(changeDepartmentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('people:manage', params.code);
    return { status: 200, body: await changeDepartment(deps, principal!, params.code, params.deptId, body) };
  }),
  // Who may bind whom depends on the roles involved (tenants/people.ts), so the domain decides.
  route(createStaffOp, async ({ params, body, scope, deps }) => ({ status: 201, body: await addStaff(deps, scope!, params.code, body) })),
  route(listStaffOp, async ({ params, query, scope, deps }) => {
    scope!.require('people:read', params.code);
    await requireUnit(deps.store, params.code);
    const page = await listStaff(deps.store, params.code, query.limit, query.cursor);
    const entitled = scope!.can('people:manage', params.code);
    return { status: 200, body: { ...page, items: page.items.map((s) => staffView(s, entitled)) } };
  }),
  route(changeStaffOp, async ({ params, body, scope, deps }) => ({
    status: 200,
    body: await changeStaff(deps, scope!, params.code, params.sub, body),
  })),
  // Who may register whom depends on the role and the home unit in the body, so the domain decides.
  route(registerCitizenOp, async ({ body, scope, deps }) => ({ status: 201, body: await registerCitizen(deps, scope!, body) })),
  route(myCitizenOp, async ({ principal, deps }) => ({ status: 200, body: await myCitizen(deps.store, principal!) })),
  route(registerBusinessOp, async ({ body, scope, deps }) => ({ status: 201, body: await registerBusiness(deps, scope!, body) })),
  route(myBusinessOp, async ({ principal, deps }) => ({ status: 200, body: await myBusiness(deps.store, principal!) })),
  route(listDisputesOp, async ({ params, query, scope, deps }) => {
    scope!.require('people:read', params.code);
    await requireUnit(deps.store, params.code);
    return { status: 200, body: await listDisputes(deps.store, params.code, query.status, query.limit, query.cursor) };
  }),
  route(resolveDisputeOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('people:register', params.code);
    return { status: 200, body: await resolveDispute(deps, principal!, params.code, params.disputeId, body) };
  }),
];

export const handler = apiFunction(routes);
