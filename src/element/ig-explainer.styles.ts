// The styles of the first render: layout, image, Explain button, progress, error. The result
// view's styles (mask panels, predictions, charts, controls) load with it: result-view.styles.ts.
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
  /* The panels share one row while each can be --ig-panel-min-width wide, then wrap; a panel
     is never wider than --ig-panel-max-width, so a small image is not blown up to the page's
     width, and a wrapped panel takes its room without leaving an empty grid cell. */
  .panels {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ig-gap);
  }
  .panels > * {
    flex: 1 1 0;
    min-width: min(100%, var(--ig-panel-min-width));
    max-width: var(--ig-panel-max-width, 16rem);
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
