// Login questions from a server (keyboard-interactive: passwords, OTP codes) or for a key
// passphrase. Answers go straight to the core and are never kept in the UI's state afterwards.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuthPrompt } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';

export function PromptDialog() {
  const [queue, setQueue] = useState<AuthPrompt[]>([]);

  useEffect(() => {
    void client.call('ssh.prompts', {}).then((open) => setQueue((q) => [...q, ...open.filter((p) => !q.some((x) => x.id === p.id))]));
    const offAsk = client.on('ssh.prompt', (p) => setQueue((q) => (q.some((x) => x.id === p.id) ? q : [...q, p])));
    const offClose = client.on('ssh.promptClosed', ({ id }) => setQueue((q) => q.filter((p) => p.id !== id)));
    return () => {
      offAsk();
      offClose();
    };
  }, []);

  const prompt = queue[0];
  return prompt ? <PromptForm key={prompt.id} prompt={prompt} /> : null;
}

function PromptForm({ prompt }: { prompt: AuthPrompt }) {
  const { t } = useTranslation();
  const [answers, setAnswers] = useState(prompt.prompts.map(() => ''));
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await client.call('ssh.answerPrompt', { id: prompt.id, answers, remember });
    } catch (e) {
      setError(e instanceof AppError ? e.message : t('The answer could not be sent.'));
    }
  }

  return (
    <div className="modal-backdrop">
      <form className="panel modal" role="dialog" aria-label={t('Login prompt')} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && void client.call('ssh.cancelPrompt', { id: prompt.id })}>
        <h2>{prompt.title}</h2>
        <p className="muted">{t('{{server}} asks:', { server: prompt.serverName })}</p>
        {prompt.instructions && <p className="instructions">{prompt.instructions}</p>}
        {error && <div className="note note-error" role="alert">{error}</div>}
        {prompt.prompts.map((p, i) => (
          <label key={i} className="field">
            <span className="label">{p.prompt.trim()}</span>
            <input
              type={p.echo ? 'text' : 'password'}
              autoComplete="off"
              autoFocus={i === 0}
              aria-label={p.prompt.trim()}
              value={answers[i]}
              onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))}
            />
          </label>
        ))}
        {prompt.canRemember && (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            {t('Remember in the OS keychain')}
          </label>
        )}
        <div className="actions">
          <button type="submit" className="primary">{t('Log in')}</button>
          <button type="button" onClick={() => void client.call('ssh.cancelPrompt', { id: prompt.id })}>{t('Cancel')}</button>
        </div>
      </form>
    </div>
  );
}
