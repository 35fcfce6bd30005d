// Canonical spelling of deparsed expressions where PostgreSQL itself spells one meaning two ways.
#pragma once
#include <string>

namespace pggate {

// `col IN ('a', 'b')` on a varchar column deparses as
//   ((col)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))
// but the same CHECK restored from pg_dump's text deparses as
//   ((col)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text]))
// The array holds the same values either way. This rewrites the second spelling into the first, so a schema
// built from a pg_dump-derived init script does not differ from one built by migrations.
std::string normalize_expression(const std::string& expr);

}  // namespace pggate
