// Languages in Chromium: Русский chosen in Settings turns the window, the fleet list, a server's
// page, its task queue (stopped on a failed test task) and the DNS zones view Russian at once, with
// <html lang> following and the choice kept over a reload; English again from the same select.
// Every screen is shot in both languages, and no button or tab label may be cut off (Russian
// runs longer).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SOA } from '../helpers/dns';
import { addTrustedWeb1, calmShot, contract, e2eSuite } from './app';

const suite = e2eSuite();

/** Labels whose text does not fit their box (buttons, tabs, headings, table heads). */
const cutOff = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, [role=tab], h2, h3, th, .label, .fleet-count, .statusbar > *')]
      .filter((el) => el.offsetParent !== null && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2) && getComputedStyle(el).overflow !== 'visible')
      .map((el) => el.textContent?.trim()),
  );

async function chooseLanguage(page: Page, label: 'English' | 'Русский') {
  await page.locator('.topbar button.ghost').first().click(); // the gear (its name is translated)
  await page.locator('select[name=language]').selectOption({ label });
}

describe('languages in the UI', () => {
  it('switches to Russian in Settings and back, without a reload, on the main screens', async () => {
    const app = await suite.start('e2e-i18n', undefined, { testKinds: true });
    const page = await (await suite.browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })).newPage();
    await page.goto(app.url);
    await addTrustedWeb1(page, suite.tb);

    const serverId = (await contract<{ id: string; name: string }[]>(page, 'servers.list', {})).find((s) => s.name === 'web1')!.id;
    const marker = `/tmp/hd-i18n-${randomUUID().slice(0, 8)}.ready`;
    await contract(page, 'test.enqueue', { serverId, kind: 'fail-unless-file', params: { path: marker } });
    await contract(page, 'test.enqueue', { serverId, kind: 'fail-unless-file', params: { path: marker } });
    await contract(page, 'dns.createZone', { zone: `i18n-${randomUUID().slice(0, 8)}.test`, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });

    try {
      for (const lang of ['ru', 'en'] as const) {
        const ru = lang === 'ru';
        await chooseLanguage(page, ru ? 'Русский' : 'English');
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
        const settings = page.getByRole('form', { name: ru ? 'Настройки' : 'Settings', exact: true });
        await settings.getByRole('heading', { name: ru ? 'Настройки' : 'Settings', exact: true }).waitFor();
        await settings.getByText(ru ? 'Режим поддержки (базы данных только для чтения)' : 'Support mode (read-only databases)').waitFor();
        if (ru) {
          // Kept over a reload, as the theme is.
          await page.reload();
          await page.getByRole('button', { name: '+ Добавить сервер' }).first().waitFor();
          expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
          await page.getByRole('button', { name: 'Настройки', exact: true }).click();
        }
        expect(await page.getByTestId('fleet-count').textContent()).toBe(ru ? '1 сервер' : '1 server');
        await page.getByRole('heading', { name: ru ? 'без метки' : 'untagged' }).waitFor();
        await page.getByRole('button', { name: ru ? 'Зоны DNS' : 'DNS zones' }).waitFor();
        expect(await cutOff(page)).toEqual([]);
        await calmShot(page, `i18n-${lang}-01-settings`);

        await page.getByRole('button', { name: ru ? '+ Добавить сервер' : '+ Add server' }).first().click();
        const form = page.getByRole('form', { name: ru ? 'Добавить сервер' : 'Add server', exact: true });
        await form.getByRole('heading', { name: ru ? 'Новый сервер' : 'Add a server' }).waitFor();
        await form.locator('select[name=method]').selectOption('password'); // the secret field and its long hint
        await form.getByText(ru ? 'Хранится только в связке ключей ОС' : 'Kept only in the OS keychain', { exact: false }).waitFor();
        expect(await cutOff(page)).toEqual([]);
        await calmShot(page, `i18n-${lang}-01b-add-server`);
        await form.getByRole('button', { name: ru ? 'Отмена' : 'Cancel' }).click();

        await page.getByRole('navigation', { name: ru ? 'Серверы' : 'Fleet' }).getByRole('button', { name: /web1/ }).click();
        const server = page.getByRole('region', { name: ru ? 'Сервер web1' : 'Server web1' });
        await server.getByRole('button', { name: ru ? 'Проверить соединение' : 'Test connection' }).waitFor();
        await server.getByRole('button', { name: ru ? 'Подготовить сервер…' : 'Prepare server…' }).waitFor();
        expect(await cutOff(page)).toEqual([]);
        await calmShot(page, `i18n-${lang}-02-server`);

        await server.getByRole('button', { name: ru ? 'Очередь задач' : 'Queue', exact: true }).click();
        const queue = page.getByRole('region', { name: ru ? 'Очередь задач: web1' : 'Queue of web1' });
        await queue.getByRole('alert').getByText(ru ? 'Очередь остановлена:' : 'The queue is stopped:').waitFor({ timeout: 20_000 });
        await queue.getByText(ru ? '2 задачи' : '2 tasks').waitFor();
        expect(await queue.locator('tr.queue-row .task-status').allTextContents()).toEqual(ru ? ['ошибка', 'ожидает'] : ['failed', 'pending']);
        const detail = queue.getByRole('complementary', { name: ru ? 'Подробности задачи' : 'Task detail' });
        if (ru) await queue.locator('tr.queue-row').first().getByRole('button').click(); // stays open for the English round
        await detail.getByText(ru ? 'Код выхода' : 'Exit code').waitFor();
        expect(await cutOff(page)).toEqual([]);
        await calmShot(page, `i18n-${lang}-03-queue`);

        await page.getByRole('button', { name: ru ? 'Зоны DNS' : 'DNS zones' }).click();
        const dns = page.getByRole('region', { name: ru ? 'Зоны DNS' : 'DNS zones' });
        await dns.getByText(ru ? '1 зона' : '1 zone', { exact: false }).first().waitFor();
        await dns.getByRole('columnheader', { name: ru ? 'Отправленный серийный номер' : 'Pushed serial' }).waitFor();
        await dns.getByText(ru ? 'не отправлено' : 'not pushed').waitFor();
        expect(await cutOff(page)).toEqual([]);
        await calmShot(page, `i18n-${lang}-04-dns`);
        // The open tabs' titles follow the language too.
        await page.getByRole('tab', { name: ru ? 'web1 · очередь задач' : 'web1 · queue' }).waitFor();
      }
    } finally {
      rmSync(marker, { force: true });
    }
  });
});
