"""Schema: the forecast's sums of open reservations kept per budget post
(``financien.models.prognose``) and, on PostgreSQL, what keeps them:

- ``financien_prognoseterm(bedrag, open_bedrag, begindatum, einddatum, jaar, dag)``: one
  reservation's term of the forecast looking from ``dag`` in budget year ``jaar``: the length
  of its period in days (its own, or the year without one) and ``min(open x periode,
  max(bedrag, 0) x its days after dag within the year)`` in euros, as
  ``financien.prognose.Reserveringssom.van`` computes it. An inlinable SQL function, used by
  the triggers below and by the forecast's full count (``financien.selectors.prognose``).
- Three statement triggers on the reservation table (insert, update, delete) that add, per
  budget post with a ``Prognosestand``, the terms of the changed open reservations as they
  are now and subtract them as they were (from the statement's transition tables), looking
  from the stand's day, in one upsert per statement.

Every writer of reservations holds the budget post's gereserveerd account locked while it
writes (``financien.lock_objects``); the full count that sets a stand takes that lock too, so
no writer's change falls between a count and the triggers. SQLite has no transition tables:
there the tables stay empty and the forecast counts every time.
"""

import django.db.models.deletion
from django.db import migrations, models


CREATE = """
CREATE FUNCTION financien_prognoseterm(
    r_bedrag numeric, r_open numeric, r_begin date, r_eind date, p_jaar integer, p_dag date
) RETURNS TABLE (periode integer, teller numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d.periode, LEAST(GREATEST(r_bedrag, 0) * d.dagen, r_open * d.periode)
      FROM (SELECT COALESCE(r_begin, make_date(p_jaar, 1, 1)) AS b,
                   COALESCE(r_eind, make_date(p_jaar, 12, 31)) AS e) AS be
     CROSS JOIN LATERAL (
           SELECT GREATEST(be.e - be.b + 1, 0) AS periode,
                  GREATEST(
                      LEAST(be.e, make_date(p_jaar, 12, 31))
                      - GREATEST(be.b, p_dag + 1, make_date(p_jaar, 1, 1)) + 1,
                      0
                  ) AS dagen
           ) AS d
$$;
"""

#: A trigger function: ``{veranderd}`` selects the changed rows with a sign (+1 as they are
#: now, -1 as they were).
FUNCTIE = """
CREATE FUNCTION financien_prognosesom_{naam}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO financien_prognosesom AS som
           (budgetpost_id, periode, teller, open_bedrag, aantal)
    SELECT v.budgetpost_id, t.periode,
           SUM(v.teken * t.teller), SUM(v.teken * v.open_bedrag), SUM(v.teken)
      FROM ({veranderd}) AS v
      JOIN financien_prognosestand s ON s.budgetpost_id = v.budgetpost_id
      JOIN financien_budgetpost bp ON bp.id = v.budgetpost_id
     CROSS JOIN LATERAL financien_prognoseterm(
           v.bedrag, v.open_bedrag, v.begindatum, v.einddatum, bp.jaar, s.dag) AS t
     WHERE v.status = 'open' AND v.open_bedrag > 0
     GROUP BY v.budgetpost_id, t.periode
     ORDER BY v.budgetpost_id, t.periode
    ON CONFLICT (budgetpost_id, periode) DO UPDATE
       SET teller = som.teller + EXCLUDED.teller,
           open_bedrag = som.open_bedrag + EXCLUDED.open_bedrag,
           aantal = som.aantal + EXCLUDED.aantal;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reservering_prognosesom_{naam}
    AFTER {gebeurtenis} ON financien_reservering
    REFERENCING {tabellen}
    FOR EACH STATEMENT EXECUTE FUNCTION financien_prognosesom_{naam}();
"""

_KOLOMMEN = "budgetpost_id, bedrag, open_bedrag, begindatum, einddatum, status"
NU = f"SELECT {_KOLOMMEN}, 1 AS teken FROM nieuw"
TOEN = f"SELECT {_KOLOMMEN}, -1 AS teken FROM oud"
TRIGGERS = [
    ("invoegen", "INSERT", "NEW TABLE AS nieuw", NU),
    ("wijzigen", "UPDATE", "OLD TABLE AS oud NEW TABLE AS nieuw", f"{NU} UNION ALL {TOEN}"),
    ("verwijderen", "DELETE", "OLD TABLE AS oud", TOEN),
]


def vooruit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, None)
    for naam, gebeurtenis, tabellen, veranderd in TRIGGERS:
        schema_editor.execute(
            FUNCTIE.format(
                naam=naam, gebeurtenis=gebeurtenis, tabellen=tabellen, veranderd=veranderd
            ),
            None,
        )


def terug(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for naam, _, _, _ in TRIGGERS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS reservering_prognosesom_{naam} ON financien_reservering;"
            f"DROP FUNCTION IF EXISTS financien_prognosesom_{naam}();",
            None,
        )
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS "
        "financien_prognoseterm(numeric, numeric, date, date, integer, date);",
        None,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('financien', '0012_reservering_hot'),
    ]

    operations = [
        migrations.CreateModel(
            name='Prognosestand',
            fields=[
                ('budgetpost', models.OneToOneField(help_text='De budgetpost.', on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='prognosestand', serialize=False, to='financien.budgetpost', verbose_name='budgetpost')),
                ('dag', models.DateField(help_text='De dag waarvandaan de sommen de resterende dagen tellen.', verbose_name='dag')),
            ],
            options={
                'verbose_name': 'prognosestand',
                'verbose_name_plural': 'prognosestanden',
            },
        ),
        migrations.CreateModel(
            name='Prognosesom',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('periode', models.PositiveIntegerField(help_text='Lengte van de periode van de reserveringen, in dagen.', verbose_name='periode')),
                ('teller', models.DecimalField(decimal_places=2, help_text='Som van open bedrag x periode of bedrag x resterende dagen, het kleinste.', max_digits=30, verbose_name='teller')),
                ('open_bedrag', models.DecimalField(decimal_places=2, help_text='Wat op deze reserveringen nog open staat, in euro.', max_digits=18, verbose_name='open bedrag')),
                ('aantal', models.IntegerField(help_text='Aantal open reserveringen.', verbose_name='aantal')),
                ('budgetpost', models.ForeignKey(db_index=False, help_text='De budgetpost.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='financien.budgetpost', verbose_name='budgetpost')),
            ],
            options={
                'verbose_name': 'prognosesom',
                'verbose_name_plural': 'prognosesommen',
                'constraints': [models.UniqueConstraint(fields=('budgetpost', 'periode'), name='prognosesom_per_periode')],
            },
        ),
        migrations.RunPython(vooruit, terug),
    ]
