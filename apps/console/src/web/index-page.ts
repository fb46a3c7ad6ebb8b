/** The page shell: everything else is drawn by the bundled script. */
export function indexPage(lang: 'zh-CN' | 'en', version: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rural-dispatch</title>
<link rel="stylesheet" href="/assets/app.css?v=${version}">
</head>
<body>
<div id="app" aria-live="polite"></div>
<script src="/assets/app.js?v=${version}"></script>
</body>
</html>
`;
}

/** Chinese when the browser lists a Chinese language before English (or at all, with no English). */
export function pageLanguage(acceptLanguage: string | undefined): 'zh-CN' | 'en' {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: tag.toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((t) => t.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
