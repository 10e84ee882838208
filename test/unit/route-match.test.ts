import { describe, expect, it } from 'vitest';
import { routeMatcher } from '../../infra/local/route-match';
import { ROUTES } from '../../infra/manifest';

const r = (method: string, path: string) => ({ method, path, key: `${method} ${path}` });

describe('routeMatcher', () => {
  const routes = [
    r('GET', '/health'),
    r('GET', '/v1/units/{code}'),
    r('PATCH', '/v1/units/{code}'),
    r('GET', '/v1/units/{code}/children'),
    r('GET', '/v1/units/mine'),
    r('GET', '/v1/files/{key+}'),
    r('ANY', '/v1/any/{id}'),
    r('DELETE', '/v1/any/{id}'),
  ];
  const { match } = routeMatcher(routes);
  const key = (method: string, path: string) => match(method, path)?.route.key;

  it('matches static routes exactly', () => {
    expect(match('GET', '/health')).toEqual({ route: routes[0], params: {} });
    expect(key('GET', '/health/')).toBeUndefined();
    expect(key('GET', '/Health')).toBeUndefined();
    expect(key('GET', '/health/x')).toBeUndefined();
    expect(key('GET', '/')).toBeUndefined();
  });

  it('fills parameters and URL-decodes them', () => {
    expect(match('GET', '/v1/units/330100000000')?.params).toEqual({ code: '330100000000' });
    expect(match('GET', '/v1/units/%E6%9D%AD%E5%B7%9E/children')).toEqual({ route: routes[3], params: { code: '杭州' } });
    expect(match('GET', '/v1/units/a%2Fb')?.params).toEqual({ code: 'a/b' });
    // A malformed escape is passed on as sent rather than failing the match.
    expect(match('GET', '/v1/units/%E6%9D')?.params).toEqual({ code: '%E6%9D' });
  });

  it('selects by method', () => {
    expect(key('PATCH', '/v1/units/1')).toBe('PATCH /v1/units/{code}');
    expect(key('patch', '/v1/units/1')).toBe('PATCH /v1/units/{code}');
    expect(key('POST', '/v1/units/1')).toBeUndefined();
  });

  it('prefers a static segment to a parameter, whatever the declaration order', () => {
    expect(key('GET', '/v1/units/mine')).toBe('GET /v1/units/mine');
    const reversed = routeMatcher([...routes].reverse());
    expect(reversed.match('GET', '/v1/units/mine')?.route.key).toBe('GET /v1/units/mine');
    expect(reversed.match('GET', '/v1/units/330100000000')?.route.key).toBe('GET /v1/units/{code}');
  });

  it('prefers the own method to ANY', () => {
    expect(key('DELETE', '/v1/any/1')).toBe('DELETE /v1/any/{id}');
    expect(key('PUT', '/v1/any/1')).toBe('ANY /v1/any/{id}');
  });

  it('gives empty segments to no parameter', () => {
    expect(key('GET', '/v1/units/')).toBeUndefined();
    expect(key('GET', '/v1/units//children')).toBeUndefined();
  });

  it('lets a greedy parameter take the rest of the path, and nothing less than one segment', () => {
    expect(match('GET', '/v1/files/a/b%20c/d.pdf')?.params).toEqual({ key: 'a/b c/d.pdf' });
    expect(key('GET', '/v1/files/')).toBeUndefined();
    expect(key('GET', '/v1/files')).toBeUndefined();
  });

  it('rejects malformed templates', () => {
    expect(() => routeMatcher([r('GET', 'health')])).toThrow(/start with/);
    expect(() => routeMatcher([r('GET', '/a/{x+}/b')])).toThrow(/greedy/);
    expect(() => routeMatcher([r('GET', '/a/x{y}')])).toThrow(/malformed/);
  });

  it('routes every manifest route to itself', () => {
    const manifest = routeMatcher(ROUTES);
    for (const route of ROUTES) {
      const path = route.path.replace(/\{[^}]+\}/g, '330100000000');
      expect(manifest.match(route.method, path)?.route.key, route.key).toBe(route.key);
    }
  });
});
