import { css } from 'lit';

export const styles = css`
  :host {
    --ig-accent: #1967d2;
    --ig-muted: #5f6368;
    --ig-error-color: #b3261e;
    --ig-track: #e3e3e3;
    --ig-frame-background: #000;
    --ig-radius: 6px;
    --ig-gap: 12px;
    --ig-panel-min-width: 9rem;
    --ig-chart-line: var(--ig-accent);
    display: block;
    max-width: 100%;
    box-sizing: border-box;
    font: var(--ig-font, inherit);
    color: var(--ig-color, inherit);
    contain: content;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .view {
    display: grid;
    gap: var(--ig-gap);
  }
  .panels {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, var(--ig-panel-min-width)), 1fr));
    gap: var(--ig-gap);
  }
  figure {
    margin: 0;
    min-width: 0;
  }
  figcaption {
    margin-top: 4px;
    font-size: 0.875em;
  }
  .frame {
    position: relative;
    width: 100%;
    overflow: hidden;
    border-radius: var(--ig-radius);
    background: var(--ig-frame-background);
  }
  .frame > img,
  .frame > canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    display: block;
  }
  .placeholder {
    display: grid;
    place-items: center;
    min-height: 6rem;
    padding: var(--ig-gap);
    border: 1px dashed var(--ig-muted);
    border-radius: var(--ig-radius);
  }
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
  button,
  select,
  input {
    font: inherit;
  }
  [part~='explain-button'] {
    justify-self: start;
    padding: 6px 16px;
    border: 0;
    border-radius: var(--ig-radius);
    background: var(--ig-accent);
    color: #fff;
    cursor: pointer;
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--ig-accent);
    outline-offset: 2px;
  }
  [part~='progress'] {
    display: grid;
    gap: 4px;
    font-size: 0.875em;
  }
  [part~='progress'] label {
    display: grid;
    grid-template-columns: minmax(8em, auto) 1fr;
    align-items: center;
    gap: 8px;
  }
  progress {
    width: 100%;
    accent-color: var(--ig-accent);
  }
  [part~='error'] {
    margin: 0;
    padding: 8px 12px;
    border-left: 4px solid var(--ig-error-color);
    color: var(--ig-error-color);
    overflow-wrap: anywhere;
  }
  [part~='error'] p {
    margin: 0;
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
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
