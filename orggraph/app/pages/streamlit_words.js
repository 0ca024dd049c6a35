// Streamlit's own English words in the viewer's language (orggraph/app/pages/streamlit_words.py puts its
// settings in place of CONFIG: the language, the words, the patterns, the attributes looked at). Run once per page
// load and again when the language changes; one observer per page. Only text nodes' values and a few attributes
// are rewritten, never nodes: React keeps its own nodes, sets them again when it re-renders, and the observer
// says them again.
((config) => {
  const state = (window.__orggraphWords ??= {});
  state.lang = config.lang;
  state.words = config.words;
  state.patterns = config.patterns.map(([pattern, replacement]) => [new RegExp(pattern), replacement]);
  if (!state.localeSet) {
    // Streamlit hands navigator.language to its date picker (month and weekday names): the app's language instead.
    Object.defineProperty(navigator, "language", {
      configurable: true,
      get: () => (window.__orggraphWords.lang === "zh" ? "zh-CN" : "en-US"),
    });
    state.localeSet = true;
  }
  window.dispatchEvent(new Event("resize")); // Streamlit reads the language again when it lays the page out anew

  const said = (text) => {
    const bare = text.trim();
    if (window.__orggraphWords.lang !== "zh" || !bare) return null;
    if (Object.hasOwn(state.words, bare)) return text.replace(bare, state.words[bare]);
    for (const [pattern, replacement] of state.patterns) {
      if (pattern.test(bare)) return text.replace(bare, bare.replace(pattern, replacement));
    }
    return null;
  };
  const sayText = (node) => {
    const text = said(node.nodeValue || "");
    if (text !== null) node.nodeValue = text;
  };
  const sayAttribute = (element, name) => {
    const text = element.getAttribute(name);
    const ours = text === null ? null : said(text);
    if (ours !== null) element.setAttribute(name, ours);
  };
  const sayAll = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return sayText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) sayText(node);
    for (const name of config.attributes) {
      if (root.hasAttribute(name)) sayAttribute(root, name);
      root.querySelectorAll(`[${name}]`).forEach((element) => sayAttribute(element, name));
    }
  };

  if (!state.observer) {
    state.observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "characterData") sayText(record.target);
        else if (record.type === "attributes") sayAttribute(record.target, record.attributeName);
        else record.addedNodes.forEach(sayAll);
      }
    });
    state.observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: config.attributes,
    });
  }
  sayAll(document.body);
})(CONFIG);
