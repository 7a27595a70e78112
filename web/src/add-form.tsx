import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { ErrorBox } from './components.tsx';
import { onAsync } from './util.ts';

/**
 * The add form of a list page (destinations, sinks): a card with its title,
 * the fields in a grid, the request's error, submit (busy while it runs) and
 * cancel; Escape cancels. `send` makes the request and throws its error.
 */
export function AddForm({
  title,
  submitTestId,
  send,
  onCancel,
  children,
  after,
}: {
  title: string;
  submitTestId: string;
  send: () => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
  /** Shown under the grid (e.g. a checkbox). */
  after?: ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="card add-form" onSubmit={onAsync(submit)} aria-label={title} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <h2>{title}</h2>
      <div className="filter-grid">{children}</div>
      {after}
      <ErrorBox error={error} />
      <div className="row gap">
        <button type="submit" className="btn btn-primary" data-testid={submitTestId} disabled={busy}>
          {busy ? 'Saving…' : title}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The kind chooser: one option per kind, labelled. */
export function KindSelect<K extends string>({ testId, labels, value, onChange }: { testId: string; labels: Record<K, string>; value: K; onChange: (kind: K) => void }) {
  return (
    <label className="field">
      <span>Kind</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as K)}>
        {(Object.keys(labels) as K[]).map((k) => (
          <option key={k} value={k}>
            {labels[k]}
          </option>
        ))}
      </select>
    </label>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

/** A labelled text input of the form's grid (`wide` spans the row). */
export function TextField({
  label,
  testId,
  value,
  onChange,
  wide,
  ...input
}: { label: ReactNode; testId: string; value: string; onChange: (value: string) => void; wide?: boolean } & InputProps) {
  return (
    <label className={`field${wide ? ' wide' : ''}`}>
      <span>{label}</span>
      <input data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} {...input} />
    </label>
  );
}

/** A write-only secret: a password input the browser does not fill in. */
export function SecretField(props: { label: ReactNode; testId: string; value: string; onChange: (value: string) => void; wide?: boolean } & InputProps) {
  return <TextField type="password" autoComplete="new-password" {...props} />;
}

/** The first two fields of an add form: the name (`<prefix>-name`) and the kind (`<prefix>-kind`). */
export function NameAndKind<K extends string>({
  prefix,
  name,
  onName,
  namePlaceholder,
  labels,
  kind,
  onKind,
}: {
  prefix: string;
  name: string;
  onName: (name: string) => void;
  namePlaceholder: string;
  labels: Record<K, string>;
  kind: K;
  onKind: (kind: K) => void;
}) {
  return (
    <>
      <TextField label="Name" testId={`${prefix}-name`} value={name} onChange={onName} required autoFocus placeholder={namePlaceholder} />
      <KindSelect testId={`${prefix}-kind`} labels={labels} value={kind} onChange={onKind} />
    </>
  );
}
