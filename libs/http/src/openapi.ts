import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { openApiEnabled, type AppConfig } from '@rd/config';

/**
 * Serves the app's OpenAPI document at /v1/openapi.json and its UI at /v1/docs, when enabled
 * (`OPENAPI`, off in production by default).
 */
export function serveOpenApi(
  app: INestApplication,
  config: Pick<AppConfig, 'OPENAPI' | 'NODE_ENV'>,
  title: string,
  description: string,
): void {
  if (!openApiEnabled(config)) return;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        `${description} Errors are { error, message, details[] }. Map data © OpenStreetMap contributors (ODbL).`,
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('v1/docs', app, document, { jsonDocumentUrl: 'v1/openapi.json' });
}
