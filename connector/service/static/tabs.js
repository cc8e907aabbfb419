// The ARIA tabs pattern over existing markup: role=tab buttons whose aria-controls name their
// panels. Only the selected tab is in the tab order; arrow keys move between tabs.

export function createTabs(tablist, onSelect = () => {}) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];

  function select(id, { focus = false } = {}) {
    const chosen = tabs.find((tab) => tab.id === id) || tabs[0];
    for (const tab of tabs) {
      const on = tab === chosen;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) chosen.focus();
    onSelect(chosen.id);
  }

  for (const tab of tabs) tab.addEventListener("click", () => select(tab.id));
  tablist.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const current = tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true");
    const step = event.key === "ArrowRight" ? 1 : -1;
    select(tabs[(current + step + tabs.length) % tabs.length].id, { focus: true });
  });
  return { select, selected: () => tabs.find((t) => t.getAttribute("aria-selected") === "true").id };
}
