import { sampleEvent } from '@postback/contracts';
import { MASKED, maskPaths, PersonalDataMask, PII_PATH_PATTERN, valuesAt } from './personal-data';

describe('personal data masking', () => {
  const event = sampleEvent('order.shipped');
  const paths = ['data.shippingAddress', 'data.billingAddress.name', 'data.items.*.name'];

  it('masks every leaf under the paths, keeps the shape and everything else, and leaves the input alone', () => {
    const masked = maskPaths(event, paths);
    expect(masked.data.shippingAddress).toEqual(Object.fromEntries(Object.keys(event.data.shippingAddress as object).map((k) => [k, MASKED])));
    expect((masked.data.billingAddress as Record<string, string>).name).toBe(MASKED);
    expect((masked.data.billingAddress as Record<string, string>).city).toBe('Stockholm');
    expect(masked.data.items?.map((i) => i.name)).toEqual([MASKED, MASKED]);
    expect(masked.data.items?.map((i) => i.sku)).toEqual(event.data.items?.map((i) => i.sku));
    expect(masked.id).toBe(event.id);
    expect((event.data.shippingAddress as Record<string, string>).name).toBe('Åsa Lindqvist');
  });

  it('ignores paths that are not there', () => {
    expect(maskPaths(event, ['data.nothing.here', 'nope'])).toEqual(event);
  });

  it('masks text derived from the event in JSON, form, XML and plain forms', () => {
    const mask = PersonalDataMask.of(event, paths);
    const json = JSON.stringify({ to: event.data.shippingAddress, item: 'Zip hoodie "Nordic", grey, L' });
    const out = mask.text(json);
    expect(out).not.toContain('Lindqvist');
    expect(out).not.toContain('Sveavägen');
    expect(out).not.toContain('Nordic\\"');
    expect(JSON.parse(out)).toMatchObject({ to: { name: MASKED, city: MASKED } });
    expect(mask.text(new URLSearchParams({ email: 'asa.lindqvist@example.com', city: 'Stockholm' }).toString())).toBe(`email=${MASKED}&city=${MASKED}`);
    expect(mask.text('<name>Zip hoodie &quot;Nordic&quot;, grey, L</name>')).toBe(`<name>${MASKED}</name>`);
    expect(mask.text('receiver said: unknown customer Åsa Lindqvist')).toBe(`receiver said: unknown customer ${MASKED}`);
    expect(mask.record({ 'x-name': 'Åsa Lindqvist', 'x-sku': 'TSHIRT-ORG-M-NAVY' })).toEqual({ 'x-name': MASKED, 'x-sku': 'TSHIRT-ORG-M-NAVY' });
  });

  it('does not mask short values in text (they would hit unrelated characters), only by path', () => {
    const mask = new PersonalDataMask(['SE', '44']);
    expect(mask.empty).toBe(true);
    expect(mask.text('SE 44')).toBe('SE 44');
    expect(valuesAt({ a: { b: 'SE', c: [1, 'x'] } }, ['a'])).toEqual(['SE', '1', 'x']);
  });

  it('accepts dotted paths with wildcards and refuses anything else', () => {
    for (const ok of ['data.customer.email', 'data.items.*.name', 'meta']) expect(PII_PATH_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'data..x', 'data.$where', 'data[0]', '.data', 'data.']) expect(PII_PATH_PATTERN.test(bad)).toBe(false);
  });
});
