// Styles of the parts that exist once an explanation runs (or with `controls`); adopted by the
// element when the result view's chunk loads, so that they stay out of the first load.
import { css } from 'lit';

export const resultStyles = css`
  .colorbar {
    display: flex;
    align-items: center;
    gap: 4px;
    font-size: 0.75em;
  }
  .colorbar .bar {
    flex: 1;
    height: 8px;
    border-radius: 2px;
  }
  .caption {
    margin: 0 0 4px;
    font-weight: 600;
  }
  [part~='predictions'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 4px;
  }
  [part~='predictions'] li {
    display: grid;
    grid-template-columns: minmax(0, 12em) 1fr 4em;
    align-items: center;
    gap: 8px;
  }
  [part~='predictions'] .label {
    overflow-wrap: anywhere;
  }
  [part~='predictions'] .target .label {
    font-weight: 700;
  }
  .prob-bar {
    height: 8px;
    border-radius: 4px;
    background: var(--ig-track);
    overflow: hidden;
  }
  .prob-bar > span {
    display: block;
    height: 100%;
    background: var(--ig-accent);
  }
  .prob {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .marker {
    grid-column: 1 / -1;
    font-size: 0.75em;
    color: var(--ig-muted);
  }
  [part~='completeness'] {
    margin: 0;
    font-size: 0.875em;
  }
  [part~='charts'] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr));
    gap: var(--ig-gap);
  }
  .chart svg {
    width: 100%;
    height: auto;
    overflow: visible;
    font-size: 10px;
    fill: currentColor;
  }
  .chart .axis {
    stroke: var(--ig-muted);
  }
  .chart .cursor {
    stroke: var(--ig-accent);
    stroke-width: 1.5;
    stroke-dasharray: 3 2;
  }
  [part='path'] input[type='range'] {
    width: 100%;
  }
  [part='path'] .note {
    display: block;
    font-size: 0.85em;
    opacity: 0.8;
  }
  .chart .line {
    fill: none;
    stroke: var(--ig-chart-line);
    stroke-width: 2;
  }
  [part~='controls'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ig-gap);
    align-items: end;
  }
  [part~='controls'] label {
    display: grid;
    gap: 2px;
    font-size: 0.875em;
  }
  [part~='controls'] input {
    width: 6em;
  }
`;
