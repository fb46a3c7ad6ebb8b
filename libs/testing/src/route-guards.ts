import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PUBLIC_KEY, ROLES_KEY } from '@rd/auth';

/** Handlers of the given controllers that declare neither @Roles(…) nor @Public(). */
export function undeclaredRoutes(controllers: Array<new (...args: never[]) => unknown>): string[] {
  const undeclared: string[] = [];
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, object>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || Reflect.getMetadata('path', handler) === undefined) continue;
      const roles = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller);
      const isPublic =
        Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller);
      if (!isPublic && !(Array.isArray(roles) && roles.length)) undeclared.push(`${controller.name}.${name}`);
    }
  }
  return undeclared;
}

/**
 * Calls every route of the app's OpenAPI document without a token and returns those that did not
 * answer 401 (public paths excepted), as "METHOD path → status".
 */
export async function routesOpenWithoutToken(
  app: INestApplication,
  publicPaths: string[],
): Promise<{ checked: number; open: string[] }> {
  const http = request(app.getHttpServer());
  const doc = (await http.get('/v1/openapi.json').expect(200)).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  const id = '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11';
  const open: string[] = [];
  let checked = 0;
  for (const path of Object.keys(doc.paths)) {
    if (publicPaths.includes(path)) continue;
    const url = path.replace(/\{region\}/g, 'some-region').replace(/\{[^}]+\}/g, id);
    for (const method of Object.keys(doc.paths[path]) as Array<'get' | 'post'>) {
      checked++;
      const res = await http[method](url).send({});
      if (res.status !== 401 || res.body.error !== 'unauthenticated')
        open.push(`${method.toUpperCase()} ${path} → ${res.status}`);
    }
  }
  return { checked, open };
}
