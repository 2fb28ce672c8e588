// The frame of a set of health charts: title, range switch, and what shows before there is
// anything to draw (loading, nothing recorded yet). The previous range stays shown while the
// next one loads; data-range says which range is on screen.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SampleRange } from '../../shared/api/fleet';
import { RangeSwitch } from './RangeSwitch';
import './charts.css';

type Props = {
  label: string;
  title: string;
  note?: ReactNode;
  range: SampleRange;
  onRange: (range: SampleRange) => void;
  series: { data?: { t: number[] } | undefined; isPlaceholderData: boolean };
  empty: string;
  children: ReactNode;
};

export function ChartsSection({ label, title, note, range, onRange, series, empty, children }: Props) {
  const { t } = useTranslation();
  return (
    <section className="health-charts" data-range={series.isPlaceholderData ? undefined : range} aria-label={label}>
      <header className="charts-head">
        <h3>{title}</h3>
        {note}
        {series.isPlaceholderData && <span className="muted" role="status">{t('Loading…')}</span>}
        <RangeSwitch range={range} onChange={onRange} />
      </header>
      {!series.data ? <p className="muted">{t('Loading the recorded samples…')}</p> : series.data.t.length === 0 ? <p className="muted">{empty}</p> : <div className="charts-grid">{children}</div>}
    </section>
  );
}
