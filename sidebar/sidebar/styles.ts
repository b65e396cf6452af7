import { css } from 'lit';

export const sidebarStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    max-width: 300px;
    padding: 12px;
    font: 13px/1.45 'Google Sans', Roboto, system-ui, Arial, sans-serif;
    color: #1f1f1f;
    background: #fff;
  }
  * {
    box-sizing: border-box;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    margin-bottom: 12px;
  }
  h1 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
  }
  .pill {
    padding: 2px 8px;
    border-radius: 999px;
    font-size: 12px;
    background: #e8eaed;
    color: #3c4043;
  }
  .pill.live {
    background: #c4eed0;
    color: #0d652d;
  }
  .pill.publishing {
    background: #d3e3fd;
    color: #041e49;
  }
  .pill.error {
    background: #f9dedc;
    color: #8c1d18;
  }
  section {
    margin: 0 0 14px;
  }
  h2,
  legend,
  label.heading {
    display: block;
    margin: 0 0 4px;
    padding: 0;
    font-size: 12px;
    font-weight: 600;
    color: #444746;
  }
  fieldset {
    border: 0;
    margin: 0 0 14px;
    padding: 0;
  }
  input[type='text'],
  input[type='url'],
  select,
  textarea {
    width: 100%;
    padding: 6px 8px;
    border: 1px solid #c4c7c5;
    border-radius: 4px;
    font: inherit;
    color: inherit;
    background: #fff;
  }
  textarea {
    resize: vertical;
    font-family: ui-monospace, 'Roboto Mono', monospace;
    font-size: 12px;
  }
  .row {
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .row > input {
    flex: 1;
    min-width: 0;
  }
  button {
    font: inherit;
    font-weight: 500;
    padding: 6px 12px;
    border-radius: 4px;
    border: 1px solid #747775;
    background: #fff;
    color: #0b57d0;
    cursor: pointer;
  }
  button.primary {
    background: #0b57d0;
    border-color: #0b57d0;
    color: #fff;
  }
  button.danger {
    color: #b3261e;
    border-color: #b3261e;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  :focus-visible {
    outline: 2px solid #0b57d0;
    outline-offset: 1px;
  }
  ul {
    list-style: none;
    margin: 0 0 6px;
    padding: 0;
  }
  li {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 6px;
    padding: 3px 0;
    border-bottom: 1px solid #e1e3e1;
    overflow-wrap: anywhere;
  }
  li button {
    padding: 0 6px;
    border: 0;
    font-size: 16px;
    line-height: 1;
  }
  .recent li {
    font-size: 12px;
  }
  .recent time {
    flex: none;
    color: #5e5e5e;
  }
  .choices label {
    display: flex;
    gap: 6px;
    align-items: baseline;
    margin: 2px 0;
  }
  .webhooks {
    margin: 14px 0;
  }
  .webhooks summary {
    cursor: pointer;
    font-weight: 600;
  }
  .hooks li {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: baseline;
    font-size: 12px;
  }
  .hooks .url {
    overflow-wrap: anywhere;
  }
  .webhooks form {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin-top: 8px;
  }
  .hint {
    margin: 4px 0 0;
    font-size: 12px;
    color: #5e5e5e;
  }
  a {
    color: #0b57d0;
  }
  .error {
    margin: 0 0 12px;
    padding: 8px;
    border-radius: 4px;
    background: #f9dedc;
    color: #8c1d18;
  }
  .stats {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 8px;
  }
  .stat {
    padding: 8px;
    border-radius: 6px;
    background: #f1f3f4;
  }
  .stat strong {
    display: block;
    font-size: 20px;
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
  }
  [hidden] {
    display: none !important;
  }
`;
