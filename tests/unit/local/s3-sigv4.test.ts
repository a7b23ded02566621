/**
 * The SigV4 verification of the local S3 (local/s3/sigv4.ts) against the
 * worked examples of AWS's S3 documentation ("Authenticating Requests: Using
 * Query Parameters" and "…Using the Authorization Header", GET /test.txt).
 */
import { describe, expect, it } from 'vitest';
import { canonicalQueryString, parseQuery, uriEncode, verifySigV4, type SignedRequest } from '../../../local/s3/sigv4.ts';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const opts = { region: 'us-east-1', secretFor: (id: string) => (id === AKID ? SECRET : undefined), now: Date.UTC(2013, 4, 24, 1, 0, 0) };
const host = 'examplebucket.s3.amazonaws.com';

describe('query-string (presigned) example', () => {
  const query =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const req: SignedRequest = { method: 'GET', url: `/test.txt?${query}`, headers: { host } };

  it('verifies', () => {
    expect(verifySigV4(req, opts)).toEqual({ kind: 'verified', mechanism: 'query', accessKeyId: AKID });
  });

  it('refuses another host, method, path or parameter', () => {
    for (const other of [
      { ...req, headers: { host: 'other.s3.amazonaws.com' } },
      { ...req, method: 'PUT' },
      { ...req, url: `/test2.txt?${query}` },
      { ...req, url: `/test.txt?${query}&x-id=GetObject` },
    ]) {
      expect(verifySigV4(other, opts)).toMatchObject({ kind: 'refused', code: 'SignatureDoesNotMatch' });
    }
  });

  it('refuses it a day later as expired', () => {
    expect(verifySigV4(req, { ...opts, now: Date.UTC(2013, 4, 25, 0, 0, 1) })).toMatchObject({
      kind: 'refused',
      code: 'AccessDenied',
      message: 'Request has expired',
      detail: { 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00Z', ServerTime: '2013-05-25T00:00:01Z' },
    });
  });

  it('refuses a missing signed header, an unknown key, another region', () => {
    expect(verifySigV4({ ...req, headers: {} }, opts)).toMatchObject({ kind: 'refused', code: 'SignatureDoesNotMatch', reason: expect.stringContaining('host') });
    expect(verifySigV4(req, { ...opts, secretFor: () => undefined })).toMatchObject({ kind: 'refused', code: 'InvalidAccessKeyId' });
    expect(verifySigV4(req, { ...opts, region: 'eu-west-1' })).toMatchObject({ kind: 'refused', code: 'AuthorizationQueryParametersError', detail: { Region: 'eu-west-1' } });
  });

  it('refuses incomplete parameters', () => {
    expect(verifySigV4({ ...req, url: '/test.txt?X-Amz-Signature=abc' }, opts)).toMatchObject({ kind: 'refused', code: 'AuthorizationQueryParametersError' });
  });
});

describe('Authorization header example', () => {
  const req: SignedRequest = {
    method: 'GET',
    url: '/test.txt',
    headers: {
      host,
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
  };

  it('verifies', () => {
    expect(verifySigV4(req, opts)).toEqual({ kind: 'verified', mechanism: 'header', accessKeyId: AKID });
  });

  it('refuses another range', () => {
    expect(verifySigV4({ ...req, headers: { ...req.headers, range: 'bytes=0-99' } }, opts)).toMatchObject({ kind: 'refused', mechanism: 'header', code: 'SignatureDoesNotMatch' });
  });

  it('leaves anonymous, V2 and malformed requests to s3rver', () => {
    expect(verifySigV4({ method: 'GET', url: '/test.txt', headers: { host } }, opts)).toEqual({ kind: 'unverified' });
    expect(verifySigV4({ ...req, headers: { host, authorization: 'AWS AKID:sig' } }, opts)).toEqual({ kind: 'unverified' });
    expect(verifySigV4({ ...req, headers: { ...req.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } }, opts)).toEqual({ kind: 'unverified' });
  });
});

describe('canonical query string', () => {
  it('decodes, RFC 3986-encodes and sorts by name then value', () => {
    const params = parseQuery('b=2&a=%E4%BD%A0%20x&a=1&uploads&c=it%27s*(1)!&d=a+b');
    expect(canonicalQueryString(params)).toBe('a=%E4%BD%A0%20x&a=1&b=2&c=it%27s%2A%281%29%21&d=a%2Bb&uploads=');
    expect(uriEncode('a b/c~')).toBe('a%20b%2Fc~');
  });
});
