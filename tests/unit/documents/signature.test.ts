/**
 * Seals and signatures of the issued documents, checked with tools nobody
 * here wrote: poppler's `pdfsig` verifies the PAdES signature and
 * `pdftotext` extracts the text; Node's X509Certificate reads the
 * certificate; `openssl pkeyutl` plays KMS (it signs a digest as given,
 * unhashed, as KMS does with MessageType DIGEST).
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { kmsSigner, localSigner, type SigningKey } from '../../../functions/shared/signer.ts';
import { cjkFontLocalPath } from '../../../functions/documents/pdf/font-asset.ts';
import { loadCjkFont } from '../../../functions/documents/pdf/font.ts';
import { renderDenialDecision, renderForwardingNotice, renderGrantDecision } from '../../../functions/documents/pdf/decision.ts';
import { renderAcceptanceReceipt, renderCertificate, renderRefusalNotice, renderSupplementNotice } from '../../../functions/documents/pdf/render.ts';
import { sealLayout, SEAL_RADIUS } from '../../../functions/documents/pdf/seal.ts';
import { selfIssuedCertificate } from '../../../functions/documents/signing/certificate.ts';
import { integer, oid, setOf, time } from '../../../functions/documents/signing/der.ts';
import { DocumentSigner, documentSignerFromEnv } from '../../../functions/documents/signing/issuer-key.ts';
import { pdfDate, reservedSignature } from '../../../functions/documents/signing/pades.ts';
import { certificate, denial, forwarding, grant, header, longReceipt, receipt, refusal, refusalOutsidePowers, supplement, toleranceReceipt } from './pdf-samples.ts';

const dir = mkdtempSync(join(tmpdir(), 'onestop-signed-'));
const flat = (s: string) => s.replace(/\s+/g, '');

/** Runs a poppler tool; a machine without poppler-utils fails here, loudly, instead of skipping. */
function poppler(tool: 'pdfsig' | 'pdftotext', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} is not installed: these tests need Debian's poppler-utils (apt-get install poppler-utils; .ci/run installs it).`);
    }
    throw err;
  }
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const pdfsig = (path: string) => poppler('pdfsig', [path]);
const pdftotext = (path: string) => flat(poppler('pdftotext', [path, '-']));

let font: Uint8Array;
const seed = 'unit-test-document-key';
const key = localSigner(seed, 'onestop-document-signing-key/1');
const signedAt = new Date('2026-11-27T02:15:03Z');
const signer = new DocumentSigner(key, () => signedAt);

beforeAll(async () => {
  vi.stubEnv('CJK_FONT_PATH', cjkFontLocalPath());
  font = await loadCjkFont();
});

const documents: [name: string, render: () => Promise<Uint8Array>, text: string[]][] = [
  ['受理通知书', () => renderAcceptanceReceipt(font, receipt), ['受理通知书', receipt.caseNo, '嘉祥县市场监督管理局决定予以受理', '承诺办结日期：2026年12月11日', '行政审批专用章']],
  ['受理通知书（容缺受理）', () => renderAcceptanceReceipt(font, toleranceReceipt), ['受理通知书（容缺受理）', '容缺材料补齐期限：2026年11月30日', '容缺受理承诺书', '确认方式：窗口签字']],
  ['受理通知书（60项材料）', () => renderAcceptanceReceipt(font, longReceipt(60)), ['第60项：分支机构60的食品经营场所使用证明', '行政审批专用章']],
  ['不予受理通知书', () => renderRefusalNotice(font, refusal), ['不予受理通知书', refusal.reasons[0]!, '60日内向本级人民政府申请行政复议']],
  ['不予受理通知书（不属于本机关职权范围）', () => renderRefusalNotice(font, refusalOutsidePowers), ['第三十二条第一款第（二）项', `请向${refusalOutsidePowers.competentAgency}提出申请`]],
  ['补正材料通知书', () => renderSupplementNotice(font, supplement), ['补正材料通知书（一次性告知）', supplement.materials[2]!.reason, '告知日期：2026年11月27日']],
  ['证书', () => renderCertificate(font, certificate), ['食品经营许可证', '证书编号：JY23708290012345', '有效期至：2031年12月2日', certificate.verifyUrl]],
  ['准予行政许可决定书', () => renderGrantDecision(font, grant), ['准予行政许可决定书', '《中华人民共和国食品安全法》第三十五条', '决定准予行政许可', '60日内向嘉祥县人民政府申请行政复议', '6个月内向嘉祥县人民法院提起行政诉讼', '行政审批专用章']],
  ['不予行政许可决定书', () => renderDenialDecision(font, denial), ['不予行政许可决定书', denial.reasons[1]!, '《食品经营许可和备案管理办法》第十条', '60日内向本级人民政府申请行政复议', '6个月内向本机关所在地的基层人民法院提起行政诉讼']],
  ['转报结果告知书', () => renderForwardingNotice(font, forwarding), ['转报结果告知书', '决定文号：鲁卫放证字〔2026〕18号', '决定结果：准予行政许可', '许可证件编号：鲁卫放证370000-0018']],
];

describe('signed documents, as pdfsig and pdftotext see them', () => {
  it.each(documents)('%s: signed over the whole file, valid, its text intact', async (name, render, text) => {
    const path = write(`${name}.pdf`, await signer.sign(await render(), header.centerName));
    const report = pdfsig(path);
    console.log(`pdfsig ${name}.pdf\n${report}`);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signing Hash Algorithm: SHA-256');
    expect(report).toContain(`Signer full Distinguished Name: CN=${header.centerName},O=${header.centerName},C=CN`);
    expect(report.match(/Signature #/g)).toHaveLength(1);
    const extracted = pdftotext(path);
    for (const s of text) expect(extracted, s).toContain(flat(s));
  });

  it('a byte changed inside either signed range is a digest mismatch; a changed signature is invalid', async () => {
    const signed = await signer.sign(await renderRefusalNotice(font, refusal), header.centerName);
    const [, , first, second] = /\/ByteRange \[ (\d+) (\d+) (\d+) (\d+)/.exec(signed.toString('latin1'))!.map(Number);
    const contents = { start: first!, end: second! };
    const changed = (at: number) => {
      const copy = Buffer.from(signed);
      copy[at] = copy[at] === 0x20 ? 0x21 : 0x20;
      return copy;
    };
    const before = pdfsig(write('tampered-before.pdf', changed(Math.floor(contents.start / 2))));
    const after = pdfsig(write('tampered-after.pdf', changed(contents.end + Math.floor((signed.length - contents.end) / 2))));
    console.log(`pdfsig, one byte changed in the first signed range:\n${before}`);
    for (const report of [before, after]) {
      expect(report).toContain('Signature Validation: Digest Mismatch.');
      expect(report).not.toContain('Signature is Valid');
    }
    // Inside the CMS: the ECDSA signature's last byte (before the zero padding), so the DER still parses.
    const cmsEnd = signed.toString('latin1', contents.start + 1, contents.end - 1).search(/(00)+$/);
    const sig = Buffer.from(signed);
    const at = contents.start + 1 + cmsEnd - 1;
    sig[at] = sig[at] === 0x30 ? 0x31 : 0x30;
    const forged = pdfsig(write('tampered-signature.pdf', sig));
    expect(forged).not.toContain('Signature is Valid');
    expect(forged).toMatch(/Signature Validation: (Signature is Invalid|Digest Mismatch)/);
  });

  it('OpenSSL, too, verifies the embedded CMS over the signed ranges (detached, signed attributes in DER order)', async () => {
    const signed = await signer.sign(await renderCertificate(font, certificate), header.centerName);
    const [a, b, c, d] = /\/ByteRange \[ (\d+) (\d+) (\d+) (\d+)/.exec(signed.toString('latin1'))!.slice(1).map(Number) as [number, number, number, number];
    const cms = Buffer.from(signed.toString('latin1', b + 1, c - 1).replace(/(00)+$/, ''), 'hex');
    const content = write('ranges.bin', Buffer.concat([signed.subarray(a, a + b), signed.subarray(c, c + d)]));
    // -noverify: the certificate is self-issued, so there is no chain to check; the signature is.
    const out = execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-content', content, '-noverify', '-purpose', 'any', '-out', '/dev/null'], { input: cms, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(out).toBe('');
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: cms, encoding: 'utf8' });
    expect(printed).toMatch(/eContent: <ABSENT>/);
    expect([...printed.matchAll(/object: ([\w-]+) \(/g)].map((m) => m[1])).toEqual(['contentType', 'messageDigest', 'id-smime-aa-signingCertificateV2']);
    expect(printed).not.toContain('signingTime');
  });

  it('claims the signing time in /M, and every byte outside /Contents is what was rendered', async () => {
    const prepared = Buffer.from(await renderSupplementNotice(font, supplement));
    const signed = await signer.sign(prepared, header.centerName);
    expect(signed.length).toBe(prepared.length);
    expect(pdfDate(signedAt)).toBe('D:20261127021503Z');
    expect(signed.toString('latin1')).toContain('/M (D:20261127021503Z)');
    expect(pdfsig(write('time.pdf', signed))).toContain('Signing Time: Nov 27 2026 02:15:03');
    const { byteRange, contents, signingTime } = reservedSignature(prepared);
    const differing = [...signed.keys()].filter((i) => signed[i] !== prepared[i]);
    const inPlaceholders = (i: number) => (i >= byteRange.start && i < byteRange.end) || (i > contents.start && i < contents.end - 1) || (i >= signingTime && i < signingTime + pdfDate(signedAt).length);
    expect(differing.filter((i) => !inPlaceholders(i))).toEqual([]);
    // A rendered, unsigned file is never mistaken for a signed one: its placeholders fail verification.
    expect(pdfsig(write('unsigned.pdf', prepared))).not.toContain('Signature is Valid');
  });
});

describe('the certificate', () => {
  it('is an X.509 v3 certificate of the signing key, issued by itself to the center, for signing only', async () => {
    const notBefore = new Date('2026-11-27T00:00:00Z');
    const cert = await selfIssuedCertificate(key, '嘉祥县政务服务中心', notBefore);
    const x509 = new X509Certificate(cert.der);
    expect(x509.subject).toBe('C=CN\nO=嘉祥县政务服务中心\nCN=嘉祥县政务服务中心');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(createPublicKey(key.publicKeyPem!))).toBe(true);
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(await key.publicKey());
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2036-11-27T00:00:00.000Z');
    expect(x509.ca).toBe(false);
    expect(execFileSync('openssl', ['x509', '-noout', '-text', '-inform', 'DER'], { input: cert.der, encoding: 'utf8' })).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
  });

  it('is made once per center and key; a failure is not kept', async () => {
    let calls = 0;
    let failing = true;
    const flaky: SigningKey = {
      keyId: key.keyId,
      publicKey: () => key.publicKey(),
      sign: async (m) => {
        calls++;
        if (failing) throw new Error('KMS unavailable');
        return key.sign(m);
      },
    };
    const documentSigner = new DocumentSigner(flaky, () => signedAt);
    const prepared = await renderRefusalNotice(font, refusal);
    await expect(documentSigner.sign(prepared, header.centerName)).rejects.toThrow('KMS unavailable');
    failing = false;
    calls = 0;
    await documentSigner.sign(prepared, header.centerName);
    expect(calls).toBe(2); // the certificate, then the document
    await documentSigner.sign(prepared, header.centerName);
    expect(calls).toBe(3);
    await documentSigner.sign(prepared, '另一个政务服务中心');
    expect(calls).toBe(5);
  });
});

describe('the document key', () => {
  it('signs through KMS with the digest (MessageType DIGEST) and the public key from GetPublicKey, and pdfsig accepts it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = write('kms-key.pem', Buffer.from(pem));
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const kms = {
      send: async (command: SignCommand | GetPublicKeyCommand) => {
        sent.push({ name: command.constructor.name, input: command.input as unknown as Record<string, unknown> });
        if (command instanceof GetPublicKeyCommand) return { KeySpec: 'ECC_NIST_P256', PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
        // KMS with MessageType DIGEST signs the 32 bytes as they are, as openssl pkeyutl does.
        return { Signature: new Uint8Array(execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile], { input: command.input.Message as Uint8Array })) };
      },
    };
    const keyId = 'arn:aws:kms:cn-north-1:000000000000:key/documents';
    const viaKms = new DocumentSigner(kmsSigner(keyId, kms as never), () => signedAt);
    const report = pdfsig(write('kms.pdf', await viaKms.sign(await renderCertificate(font, certificate), header.centerName)));
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(sent.map((c) => c.name)).toEqual(['GetPublicKeyCommand', 'SignCommand', 'SignCommand']);
    for (const { input } of sent.slice(1)) {
      expect(input).toMatchObject({ KeyId: keyId, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
      expect((input.Message as Uint8Array).length).toBe(32);
    }
    await expect(kmsSigner(keyId, { send: async () => ({ KeySpec: 'RSA_2048', PublicKey: new Uint8Array(8) }) } as never).publicKey()).rejects.toThrow(/not an ECC_NIST_P256 key/);
  });

  it('comes from KMS when DOCUMENT_SIGNING_KEY_ID is set, else from the local secret under its own label, else nowhere', () => {
    expect(documentSignerFromEnv({ DOCUMENT_SIGNING_KEY_ID: 'arn:aws:kms:x:1:key/d' }).keyId).toBe('arn:aws:kms:x:1:key/d');
    const local = documentSignerFromEnv({ DOCUMENT_SIGNING_SECRET: seed });
    expect(local.keyId).toBe(key.keyId);
    // The same seed never gives the audit digest's key.
    expect(local.keyId).not.toBe(localSigner(seed, 'onestop-audit-digest-signing-key/1').keyId);
    expect(() => documentSignerFromEnv({})).toThrow(/no document signing key/);
  });
});

describe('the seal', () => {
  const width = (text: string, size: number) => [...text].length * size;

  it('sets the name clockwise along the upper arc, each glyph upright to the centre, inside the ring, and the purpose across the bottom', () => {
    const layout = sealLayout({ agency: '嘉祥县市场监督管理局', purpose: '行政审批专用章' }, 300, 400, width);
    const name = layout.glyphs.slice(0, -1);
    expect(name.map((g) => g.text).join('')).toBe('嘉祥县市场监督管理局');
    // Left to right over the top: rotation falls from positive (left) to negative (right), symmetric about the top.
    const turns = name.map((g) => g.rotateDegrees);
    expect(turns).toEqual([...turns].sort((a, b) => b - a));
    expect(turns[0]! + turns.at(-1)!).toBeCloseTo(0, 6);
    for (const g of name) {
      // Each glyph's far corner stays inside the ring's inner edge.
      const theta = ((g.rotateDegrees + 90) * Math.PI) / 180;
      const farX = g.x + g.size * Math.cos(theta) + g.size * Math.sin(theta);
      const farY = g.y + g.size * Math.sin(theta) - g.size * Math.cos(theta);
      expect(Math.hypot(farX - 300, farY - 400)).toBeLessThan(SEAL_RADIUS - 3 + 0.5);
    }
    const purpose = layout.glyphs.at(-1)!;
    expect(purpose).toMatchObject({ text: '行政审批专用章', rotateDegrees: 0 });
    expect(purpose.y).toBeLessThan(400 - 16); // below the star
    expect(purpose.x + width(purpose.text, purpose.size) / 2).toBeCloseTo(300, 6);
    expect(layout.star).toHaveLength(10);
    expect(layout.star[0]![1]).toBeCloseTo(416, 6); // a point of the star straight up
  });

  it('shrinks a long name to fit the arc', () => {
    const long = sealLayout({ agency: '济宁市嘉祥县行政审批服务局市场准入科', purpose: '行政审批专用章' }, 0, 0, width).glyphs.slice(0, -1);
    const short = sealLayout({ agency: '嘉祥县市场监督管理局', purpose: '行政审批专用章' }, 0, 0, width).glyphs.slice(0, -1);
    expect(long[0]!.size).toBeLessThan(short[0]!.size);
    expect(long[0]!.rotateDegrees).toBeLessThanOrEqual(125 + 1e-9);
  });
});

describe('the DER writer', () => {
  it('writes integers in their shortest positive form, OIDs in base 128, SET OF in sorted order, and times by year', () => {
    expect(integer(0)).toEqual(Buffer.from([0x02, 0x01, 0x00]));
    expect(integer(127)).toEqual(Buffer.from([0x02, 0x01, 0x7f]));
    expect(integer(128)).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0x00, 0x00, 0x01]))).toEqual(Buffer.from([0x02, 0x01, 0x01]));
    expect(oid('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(setOf(Buffer.from([0x04, 0x01, 0x02]), Buffer.from([0x02, 0x01, 0x05])).toString('hex')).toBe('3106020105040102');
    expect(time(new Date('2026-11-27T02:15:03Z')).toString('latin1')).toBe('\x17\x0d261127021503Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });
});
