// scorm-package.mjs — stages the SCORM packages of the web lesson (scripts/package zips them).
//
//   node web/tools/scorm-package.mjs <build/web> <out-dir>
//
// writes <out-dir>/scorm12/ and <out-dir>/scorm2004/: every file of the web build, the launch
// page and its adapter (web/scorm/), and imsmanifest.xml listing them all as one SCO.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The score (first-try quiz answers, 0–100) at which a learner passes. The manifest states it
// (SCORM 1.2 adlcp:masteryscore, SCORM 2004 imsss:minNormalizedMeasure); the LMS hands it to
// the launch page, which also carries it for an LMS that does not.
export const MASTERY_SCORE = 80;
export const LAUNCH = 'launch.html';
export const VERSIONS = {
  scorm12: { scorm: '1.2', zip: 'attention-lesson-scorm12.zip' },
  scorm2004: { scorm: '2004', zip: 'attention-lesson-scorm2004.zip' },
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function xml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

// The lesson's title: the first "# " line of the lesson text.
function lessonTitle(webDir) {
  try {
    const line = readFileSync(join(webDir, 'lessons/attention-lesson.md'), 'utf8').split('\n').find((l) => l.startsWith('# '));
    if (line) return line.slice(2).trim();
  } catch (e) { /* fall through */ }
  return 'Attention & Transformers';
}

function fileList(files) {
  return files.map((f) => `      <file href="${xml(encodeURI(f))}"/>`).join('\n');
}

export function manifest12(title, files) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="attention-lesson-scorm12" version="1.0"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="attention-lesson-org">
    <organization identifier="attention-lesson-org">
      <title>${xml(title)}</title>
      <item identifier="attention-lesson-item" identifierref="attention-lesson-sco" isvisible="true">
        <title>${xml(title)}</title>
        <adlcp:masteryscore>${MASTERY_SCORE}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="attention-lesson-sco" type="webcontent" adlcp:scormtype="sco" href="${LAUNCH}">
${fileList(files)}
    </resource>
  </resources>
</manifest>
`;
}

export function manifest2004(title, files) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="attention-lesson-scorm2004" version="1.0"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
          xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
          xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
          xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="attention-lesson-org">
    <organization identifier="attention-lesson-org">
      <title>${xml(title)}</title>
      <item identifier="attention-lesson-item" identifierref="attention-lesson-sco" isvisible="true">
        <title>${xml(title)}</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="attention-lesson-quiz" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>${(MASTERY_SCORE / 100).toFixed(2)}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="attention-lesson-sco" type="webcontent" adlcp:scormType="sco" href="${LAUNCH}">
${fileList(files)}
    </resource>
  </resources>
</manifest>
`;
}

export function stage(webDir, outDir) {
  const title = lessonTitle(webDir);
  const launch = readFileSync(join(ROOT, 'web/scorm/launch.html'), 'utf8');
  for (const [name, v] of Object.entries(VERSIONS)) {
    const dir = join(outDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Not the build's Brotli / gzip copies: an LMS serves the plain files.
    cpSync(webDir, dir, { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
    cpSync(join(ROOT, 'web/scorm/scorm-adapter.js'), join(dir, 'scorm-adapter.js'));
    cpSync(join(ROOT, 'web/scorm/scorm-launch.css'), join(dir, 'scorm-launch.css'));
    writeFileSync(join(dir, LAUNCH), launch.replaceAll('__TITLE__', xml(title)).replaceAll('__SCORM__', v.scorm)
      .replaceAll('__MASTERY__', String(MASTERY_SCORE)));
    const files = filesUnder(dir).filter((f) => f !== 'imsmanifest.xml');
    writeFileSync(join(dir, 'imsmanifest.xml'), v.scorm === '1.2' ? manifest12(title, files) : manifest2004(title, files));
    console.log(`${name}: ${files.length} files, launch ${LAUNCH}, mastery score ${MASTERY_SCORE}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [webDir, outDir] = process.argv.slice(2);
  if (!webDir || !outDir) {
    console.error('usage: node web/tools/scorm-package.mjs <build/web> <out-dir>');
    process.exit(2);
  }
  try {
    statSync(join(webDir, 'index.html'));
  } catch (e) {
    console.error(`scorm-package: ${webDir}/index.html is missing; run ./scripts/build-web first.`);
    process.exit(1);
  }
  stage(webDir, outDir);
}
