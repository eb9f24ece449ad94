/** The page served at `/` without `url=` (spec 1.1): what this is and how to call it. */
export const landingPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pixproxy</title></head>
<body>
<main>
<h1>pixproxy</h1>
<p>An image cache and resize service speaking the images.weserv.nl API v5.</p>
<p>Use it as <code>/?url=example.com/image.jpg&amp;w=300&amp;output=webp</code>.</p>
</main>
</body>
</html>
`;
