import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the app's OpenAPI document at /v1/openapi.json and its UI at /v1/docs. */
export function serveOpenApi(app: INestApplication, title: string, description: string): void {
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
