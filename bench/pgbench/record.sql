-- PostGraphile 5.1.5's one statement for scenarios/postgraphile/record.json: one record by id with the same nesting.
-- Captured with log_statement=all; run by bench/run.sh as `pgbench -M prepared -f` (the raw-SQL limit). The
-- to_char format is written E'..\072..' (the same text) because pgbench would read ":MI" as a variable.
select
__opportunities__."id"::text as "0",
__opportunities__."reference" as "1",
__opportunities__."status" as "2",
__opportunities__."funding_source" as "3",
__opportunities__."requested_amount_usd"::text as "4",
to_char(__opportunities__."updated_at", E'YYYY-MM-DD"T"HH24\072MI\072SS.USTZH\072TZM'::text) as "5",
__customers__."id"::text as "6",
__customers__."legal_name" as "7",
__customers__."country" as "8",
__customers__."funding_stage" as "9",
array(select array[
__funding_attestations__."round",
__funding_attestations__."amount_usd"::text,
to_char(__funding_attestations__."closed_on", 'YYYY-MM-DD'::text),
__vc_firms__."name",
__vc_firms__."reputation"
]::text[]
from "public"."funding_attestations" as __funding_attestations__
left outer join "public"."vc_firms" as __vc_firms__
on (
/* WHERE becoming ON */ (__vc_firms__."id" = __funding_attestations__."vc_firm_id"))
where (__funding_attestations__."customer_id" = __customers__."id")
order by __funding_attestations__."id" asc)::text as "10",
__partners__."id"::text as "11",
__partners__."name" as "12",
__partners__."tier" as "13"
from "public"."opportunities" as __opportunities__
left outer join "public"."customers" as __customers__
on (
/* WHERE becoming ON */ (__customers__."id" = __opportunities__."customer_id"))
left outer join "public"."partners" as __partners__
on (
/* WHERE becoming ON */ (__partners__."id" = __opportunities__."partner_id"))
where (__opportunities__."id" = :record_id::"int8");
