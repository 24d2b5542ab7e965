// Builds DOM for our plain-JavaScript panels (practice tools, recorder, take player), loaded
// before them on every page and in the offline shell.
// h("button", { class, text, onclick, "data-testid": ... }, ...children): attributes that are
// element properties (value, checked, disabled, style, ...) are set as properties; data-, aria-
// and role as attributes; text with textContent, never innerHTML.
(function () {
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else if (name === "text") element.textContent = value;
      else if (name in element && !name.startsWith("data") && !name.startsWith("aria") && name !== "role") {
        element[name] = value;
      } else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) element.append(child);
    return element;
  }

  window.MirubatoDom = { h };
})();
