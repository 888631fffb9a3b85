import type { OpenAPIObject } from '@nestjs/swagger';
import { documentationGaps } from './documentation-gaps';
import { openApiDocumentOffline } from './openapi-document';

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await openApiDocumentOffline();
  }, 30_000);

  it('has operations', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
  });

  it('documents every operation: summary, description, parameters, request examples and typed responses', () => {
    expect(documentationGaps(document)).toEqual([]);
  });
});

describe('documentationGaps', () => {
  /** One documented operation and one that lacks something of every kind. */
  const document: OpenAPIObject = {
    openapi: '3.0.0',
    info: { title: 'test', version: '1' },
    paths: {
      '/things/{thingId}/parts/{partId}': {
        get: {
          summary: 'List the parts of a thing',
          description: 'The parts.',
          parameters: [{ name: 'thingId', in: 'path', required: true, description: 'Thing id', schema: { type: 'string', example: 'thg_1' } }],
          responses: { '204': { description: 'None' } },
        },
      },
      '/things/{thingId}': {
        parameters: [{ name: 'thingId', in: 'path', required: true, description: 'Thing id', schema: { type: 'string', example: 'thg_1' } }],
        get: {
          summary: 'Get a thing',
          description: 'The thing.',
          responses: { '200': { description: 'The thing', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } } },
        },
        put: {
          description: 'Replaces the thing.',
          parameters: [
            { name: 'mode', in: 'query', description: 'How', schema: { type: 'string', enum: ['fast', 'slow'] } },
            { name: 'dryRun', in: 'query', schema: { type: 'boolean' } },
          ],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PutThingDto' } } } },
          responses: {
            '200': { description: 'A page of things', content: { 'application/json': { schema: { type: 'object' } } } },
            '202': { description: 'Later' },
            '204': { description: 'Nothing' },
            '400': { description: 'Bad: error responses are not checked' },
          },
        },
        delete: {
          summary: 'Delete a thing',
          description: ' ',
          responses: { '200': { description: 'Deleted', content: { 'application/json': { schema: { $ref: '#/components/schemas/LooseDto' } } } } },
        },
      },
    },
    components: {
      schemas: {
        ThingDto: {
          type: 'object',
          properties: { id: { type: 'string', example: 'thg_1' }, tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } },
        },
        PutThingDto: {
          allOf: [{ $ref: '#/components/schemas/NamedDto' }],
          type: 'object',
          properties: {
            size: { type: 'integer' },
            shape: { allOf: [{ $ref: '#/components/schemas/ShapeDto' }], description: 'Nested' },
            extra: { type: 'object', example: { a: 1 } },
          },
        },
        NamedDto: { type: 'object', properties: { name: { type: 'string' } } },
        ShapeDto: { type: 'object', properties: { sides: { type: 'integer', example: 4 }, colour: { type: 'string' } } },
        LooseDto: { type: 'object', properties: { id: { type: 'string' }, meta: { type: 'object', description: 'Anything' } } },
      },
    },
  };

  it('names each operation and what it lacks', () => {
    expect(documentationGaps(document)).toEqual([
      'GET /things/{thingId}/parts/{partId}: path parameter "partId" is not declared',
      'PUT /things/{thingId}: no summary',
      'PUT /things/{thingId}: query parameter "dryRun" has no description',
      'PUT /things/{thingId}: query parameter "dryRun" has no example or enum',
      'PUT /things/{thingId}: request body property "name" has no example',
      'PUT /things/{thingId}: request body property "size" has no example',
      'PUT /things/{thingId}: request body property "shape.colour" has no example',
      'PUT /things/{thingId}: request body property "extra" is an untyped object',
      'PUT /things/{thingId}: 200 response (application/json) has an untyped schema',
      'PUT /things/{thingId}: 202 response declares no body (declare its schema, or answer 204)',
      'DELETE /things/{thingId}: no description',
      'DELETE /things/{thingId}: 200 response property "id" has neither a description nor an example',
      'DELETE /things/{thingId}: 200 response property "meta" is an untyped object',
    ]);
  });

  it('accepts a media-type example in place of property examples', () => {
    const withExample = structuredClone(document);
    withExample.paths['/things/{thingId}'].put!.requestBody = {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/PutThingDto' }, example: { name: 'x', size: 1 } } },
    };
    expect(documentationGaps(withExample).filter((gap) => gap.includes('request body'))).toEqual([]);
  });
});
