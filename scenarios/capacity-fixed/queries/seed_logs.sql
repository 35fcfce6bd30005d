-- Seed for the delete-paths gate (seed 002, unified_logs): one structured log row every two minutes
-- from 2026-04-01 to 2026-06-14, about 54,000 rows; the 30-day cleanup run "on 2026-06-15" has
-- everything before 2026-05-16 to remove.
INSERT INTO public.unified_logs ("timestamp", level, module, message, context)
SELECT ts, (ARRAY['DEBUG', 'INFO', 'INFO', 'WARNING', 'ERROR']::public.log_level[])[1 + (extract(epoch FROM ts)::bigint / 120) % 5],
       (ARRAY['sync', 'capacity', 'accounts', 'scheduler'])[1 + (extract(epoch FROM ts)::bigint / 120) % 4],
       'tick ' || to_char(ts, 'YYYY-MM-DD HH24:MI'), jsonb_build_object('instance_id', 1 + (extract(epoch FROM ts)::bigint / 120) % 4)
FROM generate_series(timestamptz '2026-04-01 00:00:00+00', timestamptz '2026-06-14 23:58:00+00', interval '2 minutes') AS ts;
