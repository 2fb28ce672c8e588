// The bound that lets MariaDB sort a sampled prefix of a table instead of all of it: which rank
// bounds a page, which columns it may bound, and the statements it sends (a fake runner stands in
// for the server; the real sorts are checked against MariaDB in db-browse.test.ts).
import { describe, expect, it } from 'vitest';
import type { Column } from '../../shared/api/db';
import { checkReadOnly } from '../../src-main/core/db/guard';
import { boundable, boundRank, MIN_KEY_SPAN, SAMPLE_SIZE, sampleKeys, sortedPageRows, type SortedPage } from '../../src-main/core/db/sort-bound';

const col = (name: string, type: string, extra: Partial<Column> = {}): Column => ({ name, type, nullable: false, key: '', default: null, extra: '', ...extra });

/** P(Poisson(λ) >= k), the chance that a bound at rank k cuts into the wanted rows. */
function tail(lambda: number, k: number): number {
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return 1 - below;
}

describe('boundRank', () => {
  it('bounds a first page of 1M rows at a rank that almost never cuts into it', () => {
    const rank = boundRank(101, 1_000_000)!;
    expect(rank).toBe(7);
    expect(tail((101 * SAMPLE_SIZE) / 1_000_000, rank)).toBeLessThan(1e-9);
    // About rank·span/sample rows pass: a sort of thousands instead of a million.
    expect((rank * 1_000_000) / SAMPLE_SIZE).toBeLessThan(10_000);
  });

  it('keeps the miss chance tiny however deep the page is, and gives up when the bound would save little', () => {
    for (const need of [101, 1_001, 5_001, 20_001, 40_001]) {
      const rank = boundRank(need, 1_000_000);
      if (rank === null) continue;
      expect(tail((need * SAMPLE_SIZE) / 1_000_000, rank)).toBeLessThan(1e-6);
    }
    expect(boundRank(200_001, 1_000_000)).toBeNull();
    expect(boundRank(101, MIN_KEY_SPAN - 1)).toBeNull();
  });
});

describe('boundable', () => {
  it('takes columns whose comparison orders like ORDER BY, and refuses the rest', () => {
    for (const t of ['int(11)', 'bigint(20) unsigned', 'decimal(10,2)', 'double', 'date', 'datetime(6)', 'timestamp', 'time', 'year(4)', 'varchar(128)', 'char(10)', 'varbinary(255)']) {
      expect(boundable(col('c', t), 1024), t).toBe(true);
    }
    for (const t of ["enum('a','b')", "set('a','b')", 'text', 'longtext', 'blob', 'json', 'bit(8)', 'point', 'varchar(300)']) {
      expect(boundable(col('c', t), 1024), t).toBe(false);
    }
    expect(boundable(col('c', 'varchar(100)'), 256)).toBe(false);
    // First in an index: MariaDB reads it in order already.
    expect(boundable(col('c', 'varchar(64)', { key: 'MUL' }), 1024)).toBe(false);
  });
});

describe('sampleKeys', () => {
  it('draws distinct keys inside the range', () => {
    const keys = sampleKeys(10, 1_000_009, 1000);
    expect(new Set(keys).size).toBe(1000);
    expect(keys.every((k) => Number.isInteger(k) && k >= 10 && k <= 1_000_009)).toBe(true);
    expect(sampleKeys(1, 5, 1000).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('sortedPageRows', () => {
  const email = col('email', 'varchar(128)');
  const base: SortedPage = {
    from: '`shop`.`orders`',
    conds: ["`status` = 'paid'"],
    key: col('id', 'int(10) unsigned', { key: 'PRI' }),
    column: email,
    dir: 'asc',
    sql: (extra) => `PAGE${extra ? ` WHERE ${extra}` : ''}`,
    limit: 3,
    offset: 0,
  };
  /** A runner answering the range, the sample and the page by their shape; it records every statement. */
  function fake(answers: { sample: unknown[]; bounded: number; lo?: unknown; hi?: unknown }) {
    const sent: string[] = [];
    const run = async (sql: string) => {
      sent.push(sql);
      if (sql.startsWith('SELECT MIN(')) return { rows: [{ lo: answers.lo ?? 1, hi: answers.hi ?? 1_000_000, sortLength: 1024 }] };
      if (sql.includes(' AS v FROM ')) return { rows: answers.sample.map((v) => ({ v })) };
      if (/^(PAGE|SELECT `id` AS c0 .*) WHERE/.test(sql)) return { rows: Array.from({ length: answers.bounded }, (_, i) => ({ i })) };
      return { rows: [{ plain: true }] };
    };
    return { run, sent };
  }

  it('sends the page with the sampled bound only when the page comes back full', async () => {
    const { run, sent } = fake({ sample: ['alice.1@x'], bounded: 3 });
    expect(await sortedPageRows(run, base)).toHaveLength(3);
    expect(sent).toHaveLength(3);
    expect(sent[1]).toMatch(/^SELECT `email` AS v FROM `shop`\.`orders` WHERE `id` IN \([\d, ]+\) AND `status` = 'paid' ORDER BY `email` ASC LIMIT 1 OFFSET 5$/);
    expect(sent[2]).toBe("PAGE WHERE `email` <= 'alice.1@x'");
  });

  it('sends only reads a read-only session lets through', async () => {
    const { run, sent } = fake({ sample: ["it's"], bounded: 3 });
    await sortedPageRows(run, { ...base, sql: (extra) => `SELECT \`id\` AS c0 FROM \`shop\`.\`orders\`${extra ? ` WHERE ${extra}` : ''} ORDER BY \`email\` ASC, \`id\` ASC LIMIT 3` });
    expect(sent).toHaveLength(3);
    for (const sql of sent) expect(checkReadOnly(sql), sql).toEqual({ ok: true });
  });

  it('asks again without the bound when the bounded page comes back short', async () => {
    const { run, sent } = fake({ sample: ['alice.1@x'], bounded: 2 });
    expect(await sortedPageRows(run, base)).toEqual([{ plain: true }]);
    expect(sent.at(-1)).toBe('PAGE');
  });

  it('sends only the plain page when too few sampled rows pass the filters, or the key is no integer', async () => {
    const none = fake({ sample: [], bounded: 3 });
    await sortedPageRows(none.run, base);
    expect(none.sent.at(-1)).toBe('PAGE');
    expect(none.sent.filter((s) => s.startsWith('PAGE'))).toHaveLength(1);

    const text = fake({ sample: ['a'], bounded: 3 });
    await sortedPageRows(text.run, { ...base, column: col('note', 'text') });
    expect(text.sent).toEqual(['PAGE']);

    const uuid = fake({ sample: ['a'], bounded: 3 });
    await sortedPageRows(uuid.run, { ...base, key: col('id', 'char(36)', { key: 'PRI' }) });
    expect(uuid.sent).toEqual(['PAGE']);

    const small = fake({ sample: ['a'], bounded: 3, hi: 1000 });
    await sortedPageRows(small.run, base);
    expect(small.sent.at(-1)).toBe('PAGE');
    expect(small.sent).toHaveLength(2);
  });

  it('keeps NULLs (first when ascending) and escapes whatever the sampled value holds', async () => {
    const hostile = "x' OR 1=1 -- \\'; DROP TABLE t; \n\u{1F600}";
    const { run, sent } = fake({ sample: [hostile], bounded: 3 });
    await sortedPageRows(run, { ...base, column: { ...email, nullable: true } });
    expect(sent.at(-1)).toBe(`PAGE WHERE (\`email\` IS NULL OR \`email\` <= 'x\\' OR 1=1 -- \\\\\\'; DROP TABLE t; \\n\u{1F600}')`);

    const desc = fake({ sample: ['m'], bounded: 3 });
    await sortedPageRows(desc.run, { ...base, dir: 'desc', column: { ...email, nullable: true } });
    expect(desc.sent.at(-1)).toBe("PAGE WHERE `email` >= 'm'");

    const nulls = fake({ sample: [null], bounded: 3 });
    await sortedPageRows(nulls.run, base);
    expect(nulls.sent.at(-1)).toBe('PAGE');
  });
});
