"""Schema: the new reservations per budget post and month, kept (``financien.models.Instroomsom``),
which the forecast's trend averages, and, on PostgreSQL, what keeps them:

- a statement trigger after every insert of transfers (``financien_boeking``) that adds, per
  budget post and month of the boekdatum, the amounts of the new ``reservering`` transfers
  of reservations that are not roll-overs, from the statement's transition table, in one
  upsert. Transfers are never changed or deleted (migration 0002), so inserts are all there
  is to follow;
- a row trigger after a reservation's budget post or roll-over origin changes (no service
  does this; a correction by hand might) that moves the sums of its ``reservering``
  transfers. Its column list keeps it from firing on the bookings' updates of amounts;
- the insert trigger does nothing (one look at the transition table) unless reservations
  were booked, and then plans its upsert afresh (``EXECUTE``), as the row trigger does: PL/pgSQL
  keeps a static statement's first plan for the session, and one made while the reservation
  table was nearly empty (the first booking in a new database) walked the whole table for
  every new transfer ever after; a bulk load of 30,000 toewijzingen took 90 s instead of
  seconds;
- the sums of the transfers already there, counted once, after the trigger exists: creating
  it locks the transfer table against writers until this migration commits, so no insert
  falls between the count and the trigger.

Writers of reservations hold the budget post's gereserveerd account locked, so the upserts on
one post's row do not make anyone wait who did not wait already. SQLite has no transition
tables: there the table stays empty and the forecast sums the transfers each time.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE FUNCTION financien_instroomsom_boeking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM nieuw WHERE soort = 'reservering') THEN
        RETURN NULL;
    END IF;
    EXECUTE $sql$
    INSERT INTO financien_instroomsom AS som (budgetpost_id, maand, bedrag)
    SELECT r.budgetpost_id, date_trunc('month', n.boekdatum::timestamp)::date, SUM(n.bedrag)
      FROM nieuw n
      JOIN financien_reservering r ON r.id = n.reservering_id
     WHERE n.soort = 'reservering' AND r.doorgerold_uit_id IS NULL
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (budgetpost_id, maand) DO UPDATE SET bedrag = som.bedrag + EXCLUDED.bedrag
    $sql$;
    RETURN NULL;
END;
$$;

CREATE TRIGGER boeking_instroomsom
    AFTER INSERT ON financien_boeking
    REFERENCING NEW TABLE AS nieuw
    FOR EACH STATEMENT EXECUTE FUNCTION financien_instroomsom_boeking();

CREATE FUNCTION financien_instroomsom_reservering() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $sql$
    INSERT INTO financien_instroomsom AS som (budgetpost_id, maand, bedrag)
    SELECT v.budgetpost_id, date_trunc('month', b.boekdatum::timestamp)::date,
           SUM(v.teken * b.bedrag)
      FROM (SELECT $2, 1 WHERE $4 UNION ALL SELECT $3, -1 WHERE $5)
           AS v (budgetpost_id, teken)
     CROSS JOIN financien_boeking b
     WHERE b.reservering_id = $1 AND b.soort = 'reservering'
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (budgetpost_id, maand) DO UPDATE SET bedrag = som.bedrag + EXCLUDED.bedrag
    $sql$
    USING NEW.id, NEW.budgetpost_id, OLD.budgetpost_id,
          NEW.doorgerold_uit_id IS NULL, OLD.doorgerold_uit_id IS NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reservering_instroomsom
    AFTER UPDATE OF budgetpost_id, doorgerold_uit_id ON financien_reservering
    FOR EACH ROW
    WHEN (OLD.budgetpost_id IS DISTINCT FROM NEW.budgetpost_id
          OR OLD.doorgerold_uit_id IS DISTINCT FROM NEW.doorgerold_uit_id)
    EXECUTE FUNCTION financien_instroomsom_reservering();

INSERT INTO financien_instroomsom (budgetpost_id, maand, bedrag)
SELECT r.budgetpost_id, date_trunc('month', b.boekdatum::timestamp)::date, SUM(b.bedrag)
  FROM financien_boeking b
  JOIN financien_reservering r ON r.id = b.reservering_id
 WHERE b.soort = 'reservering' AND r.doorgerold_uit_id IS NULL
 GROUP BY 1, 2;
"""

DROP = """
DROP TRIGGER IF EXISTS reservering_instroomsom ON financien_reservering;
DROP FUNCTION IF EXISTS financien_instroomsom_reservering();
DROP TRIGGER IF EXISTS boeking_instroomsom ON financien_boeking;
DROP FUNCTION IF EXISTS financien_instroomsom_boeking();
"""


def vooruit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, None)


def terug(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):

    dependencies = [
        ('financien', '0013_prognosesommen'),
    ]

    operations = [
        migrations.CreateModel(
            name='Instroomsom',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('maand', models.DateField(help_text='De eerste dag van de maand.', verbose_name='maand')),
                ('bedrag', models.DecimalField(decimal_places=2, help_text='Som van de nieuwe reserveringen die in deze maand zijn geboekt, in euro.', max_digits=18, verbose_name='bedrag')),
                ('budgetpost', models.ForeignKey(db_index=False, help_text='De budgetpost.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='financien.budgetpost', verbose_name='budgetpost')),
            ],
            options={
                'verbose_name': 'instroomsom',
                'verbose_name_plural': 'instroomsommen',
                'constraints': [models.UniqueConstraint(fields=('budgetpost', 'maand'), name='instroomsom_per_maand')],
            },
        ),
        migrations.RunPython(vooruit, terug),
    ]
