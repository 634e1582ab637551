import { negotiateOpenAPIV2 } from './openapi-v2';

describe('negotiateOpenAPIV2', () => {
  const protobuf = { format: 'protobuf', contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' };
  const json = { format: 'json', contentType: 'application/json' };

  it('gives kubectl and client-go protobuf, under either spelling of the media type', () => {
    expect(negotiateOpenAPIV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toMatchObject(protobuf);
    expect(negotiateOpenAPIV2('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')).toMatchObject(protobuf);
  });

  it('gives everyone else JSON, including no Accept and wildcards', () => {
    for (const accept of [undefined, '', 'application/json', '*/*', 'application/*', 'text/html, application/json;q=0.5']) {
      expect(negotiateOpenAPIV2(accept)).toMatchObject(json);
    }
  });

  it('follows quality values, then the client order', () => {
    expect(negotiateOpenAPIV2('application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toMatchObject(protobuf);
    expect(negotiateOpenAPIV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json')).toMatchObject(protobuf);
    expect(negotiateOpenAPIV2('application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toMatchObject(json);
  });

  it('finds nothing for types it does not serve, or ones refused with q=0', () => {
    expect(negotiateOpenAPIV2('text/html')).toBeUndefined();
    expect(negotiateOpenAPIV2('application/json;q=0')).toBeUndefined();
    expect(negotiateOpenAPIV2('application/vnd.kubernetes.protobuf')).toBeUndefined();
  });
});
