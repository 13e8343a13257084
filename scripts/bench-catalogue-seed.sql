-- Adds 50,000 synthetic variables to the shipped catalogue, spread over all
-- data sources, for the catalogue benchmark (scripts/bench-catalogue.sh,
-- docs/benchmarks.md). Never part of the normal test run or the reference data.
--
-- Labels and descriptions combine words from a small health vocabulary, so
-- searches hit realistic numbers of rows: a common word such as "fødsel"
-- matches about one variable in ten, a rare one a few dozen.
WITH
  nb(words) AS (VALUES (ARRAY['fødsel', 'vekt', 'diagnose', 'behandling', 'sykehus', 'kommune',
      'lege', 'resept', 'legemiddel', 'dødsårsak', 'innleggelse', 'operasjon', 'kreft',
      'vaksine', 'smitte', 'svangerskap', 'alder', 'bosted', 'utskrivning', 'henvisning'])),
  en(words) AS (VALUES (ARRAY['birth', 'weight', 'diagnosis', 'treatment', 'hospital', 'municipality',
      'physician', 'prescription', 'drug', 'cause of death', 'admission', 'surgery', 'cancer',
      'vaccine', 'infection', 'pregnancy', 'age', 'residence', 'discharge', 'referral'])),
  sources AS (SELECT array_agg(id ORDER BY code) AS ids FROM data_sources),
  n AS (SELECT g FROM generate_series(1, 50000) AS g)
INSERT INTO variables (data_source_id, name, label_nb, label_en, description_nb, description_en,
                       value_type, code_list, period_from, identifying, sensitive)
SELECT
  sources.ids[1 + g % cardinality(sources.ids)],
  format('BENCH_%s', lpad(g::text, 6, '0')),
  initcap(nb.words[1 + g % 20]) || ' ' || nb.words[1 + (g / 20) % 20] || ' ' || g,
  initcap(en.words[1 + g % 20]) || ' ' || en.words[1 + (g / 20) % 20] || ' ' || g,
  'Syntetisk variabel om ' || nb.words[1 + (g / 400) % 20] || ' og ' || nb.words[1 + (g / 7) % 20] || '.',
  'Synthetic variable about ' || en.words[1 + (g / 400) % 20] || ' and ' || en.words[1 + (g / 7) % 20] || '.',
  (ARRAY['INTEGER', 'DECIMAL', 'TEXT', 'CODE', 'DATE', 'BOOLEAN'])[1 + g % 6],
  CASE WHEN g % 6 = 3 THEN 'ICD-10' END,
  1950 + g % 70,
  g % 50 = 0,
  g % 4 = 0
FROM n, nb, en, sources
ON CONFLICT DO NOTHING;
ANALYZE variables;
