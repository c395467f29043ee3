"""Schema: on PostgreSQL, the ledger's invariants as triggers.

- ``boekingsregel_in_balans``: a constraint trigger, deferred to commit, that refuses a
  transaction after which the legs of a transfer do not sum to zero. (A CHECK constraint
  cannot see other rows; deferred, the trigger sees all legs of the transfer, which the
  service writes in one statement after the header.)
- ``boeking_alleen_toevoegen`` and ``boekingsregel_alleen_toevoegen``: transfers and legs
  are never updated or deleted; corrections are new transfers.
- ``reservering_open_is_rest``: an open reservation's open amount is its amount minus what
  was realised (exact numeric arithmetic; SQLite would compare floating-point results).

SQLite has neither deferred constraint triggers nor row locks worth the name; there the
services' checks and ``financien.selectors.grootboek_controleren`` (run by the tests after
every step of the ledger's state machine) stand alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION financien_boeking_in_balans() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    verschil numeric;
BEGIN
    SELECT COALESCE(SUM(bedrag), 0) INTO verschil
      FROM financien_boekingsregel WHERE boeking_id = NEW.boeking_id;
    IF verschil <> 0 THEN
        RAISE EXCEPTION 'boeking % is niet in balans (verschil %)', NEW.boeking_id, verschil
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER boekingsregel_in_balans
    AFTER INSERT ON financien_boekingsregel
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION financien_boeking_in_balans();

CREATE FUNCTION financien_alleen_toevoegen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% in % wordt nooit gewijzigd of verwijderd; boek een correctie',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER boeking_alleen_toevoegen
    BEFORE UPDATE OR DELETE ON financien_boeking
    FOR EACH ROW EXECUTE FUNCTION financien_alleen_toevoegen();

CREATE TRIGGER boekingsregel_alleen_toevoegen
    BEFORE UPDATE OR DELETE ON financien_boekingsregel
    FOR EACH ROW EXECUTE FUNCTION financien_alleen_toevoegen();

ALTER TABLE financien_reservering ADD CONSTRAINT reservering_open_is_rest
    CHECK (status <> 'open' OR open_bedrag = bedrag - gerealiseerd_bedrag);
"""

DROP = """
ALTER TABLE financien_reservering DROP CONSTRAINT IF EXISTS reservering_open_is_rest;
DROP TRIGGER IF EXISTS boekingsregel_alleen_toevoegen ON financien_boekingsregel;
DROP TRIGGER IF EXISTS boeking_alleen_toevoegen ON financien_boeking;
DROP FUNCTION IF EXISTS financien_alleen_toevoegen();
DROP TRIGGER IF EXISTS boekingsregel_in_balans ON financien_boekingsregel;
DROP FUNCTION IF EXISTS financien_boeking_in_balans();
"""


def vooruit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, None)


def terug(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [("financien", "0001_begroting_grootboek_reserveringen")]

    operations = [migrations.RunPython(vooruit, terug)]
