import { useEffect } from 'react';

/**
 * Table cells cut short by an ellipsis show their full text as a tooltip:
 * on hover, a cell whose text overflows gets it as its `title` (and loses it
 * again once the text fits). One listener for every table in the console.
 */
export function useTruncatedCellTitles(): void {
  useEffect(() => {
    function onOver(e: MouseEvent) {
      const cell = e.target instanceof Element ? e.target.closest('.table td, .table th') : null;
      if (!(cell instanceof HTMLElement)) return;
      if (cell.hasAttribute('title') && cell.dataset.autoTitle === undefined) return; // the page set its own
      const text = cell.innerText.trim();
      if (text && cell.scrollWidth > cell.clientWidth + 1) {
        cell.title = text;
        cell.dataset.autoTitle = '';
      } else if (cell.dataset.autoTitle !== undefined) {
        cell.removeAttribute('title');
        delete cell.dataset.autoTitle;
      }
    }
    document.addEventListener('mouseover', onOver);
    return () => document.removeEventListener('mouseover', onOver);
  }, []);
}
