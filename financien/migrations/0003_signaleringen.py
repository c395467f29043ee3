"""Schema: budget alerts (signaleringen) and their thresholds; the period of a reservation
(for the forecast) and the reservation it was rolled over from."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracten', '0003_tariefperiode_geen_overlap_postgres'),
        ('financien', '0002_grootboek_triggers_postgres'),
        ('kern', '0003_gemeente_aangesloten'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Signalering',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, help_text="Id in URL's.", unique=True, verbose_name='uuid')),
                ('jaar', models.PositiveSmallIntegerField(help_text='Begrotingsjaar van het onderwerp; bij een toewijzing het laatste jaar waarin zij een reservering heeft.', verbose_name='jaar')),
                ('soort', models.CharField(choices=[('budgetpost', 'Budgetpost: gereserveerd plus gerealiseerd tegen het budget'), ('prognose', 'Budgetpost: prognose voor het jaareinde tegen het budget'), ('toewijzing', 'Toewijzing: gerealiseerd tegen het gereserveerde bedrag'), ('bestedingsruimte', 'Bestedingsruimte: gereserveerd plus gerealiseerd van een aanbieder tegen zijn ruimte')], help_text='Waarop de signalering let.', max_length=20, verbose_name='soort')),
                ('onderwerp_sleutel', models.CharField(help_text='Vaste sleutel van het onderwerp binnen de soort (budgetpost:<id>, toewijzing:<kenmerk>, bestedingsruimte:<id>).', max_length=100, verbose_name='onderwerpsleutel')),
                ('bron_type', models.CharField(blank=True, choices=[('begrotingswijziging', 'Begrotingswijziging'), ('toewijzing', 'Opdracht (toewijzing)'), ('prestatie', 'Prestatie'), ('betaalbatch', 'Betaalbatch')], default='', help_text='Bij soort toewijzing: het brontype van de reserveringen.', max_length=30, verbose_name='brontype')),
                ('bron_id', models.CharField(blank=True, default='', help_text='Bij soort toewijzing: het kenmerk van de toewijzing.', max_length=64, verbose_name='bron-id')),
                ('drempel', models.PositiveSmallIntegerField(help_text='De overschreden drempel in procenten van de norm.', verbose_name='drempel')),
                ('norm_bedrag', models.DecimalField(decimal_places=2, help_text='Het bedrag dat 100% is: het budget, het gereserveerde bedrag van de toewijzing of de bestedingsruimte, in euro.', max_digits=14, verbose_name='norm')),
                ('waarde_bedrag', models.DecimalField(decimal_places=2, help_text='Het gemeten bedrag: gereserveerd plus gerealiseerd, de prognose of het gerealiseerde, in euro.', max_digits=14, verbose_name='waarde')),
                ('percentage', models.DecimalField(blank=True, decimal_places=2, help_text='Waarde als percentage van de norm; leeg als de norm nul is.', max_digits=9, null=True, verbose_name='percentage')),
                ('cijfers', models.JSONField(blank=True, default=dict, help_text='Alle cijfers die tot de signalering leidden (bedragen als tekst).', verbose_name='cijfers')),
                ('omschrijving', models.CharField(help_text='Wat er overschreden is, in één zin, met de cijfers.', max_length=500, verbose_name='omschrijving')),
                ('gesignaleerd_op', models.DateTimeField(auto_now_add=True, help_text='Moment van de overschrijding.', verbose_name='gesignaleerd op')),
                ('beeindigd_op', models.DateTimeField(blank=True, help_text='Moment waarop de waarde weer onder de drempel zakte; leeg zolang zij erboven ligt. Een nieuwe overschrijding daarna is een nieuwe signalering.', null=True, verbose_name='beëindigd op')),
                ('bevestigd_op', models.DateTimeField(blank=True, help_text='Moment van bevestigen.', null=True, verbose_name='bevestigd op')),
                ('bevestiging_toelichting', models.TextField(blank=True, help_text='Wat de budgethouder bij het bevestigen noteerde.', verbose_name='toelichting bij bevestiging')),
            ],
            options={
                'verbose_name': 'signalering',
                'verbose_name_plural': 'signaleringen',
                'ordering': ['-gesignaleerd_op', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Signaleringsdrempel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, help_text="Id in URL's.", unique=True, verbose_name='uuid')),
                ('soort', models.CharField(choices=[('budgetpost', 'Budgetpost: gereserveerd plus gerealiseerd tegen het budget'), ('prognose', 'Budgetpost: prognose voor het jaareinde tegen het budget'), ('toewijzing', 'Toewijzing: gerealiseerd tegen het gereserveerde bedrag'), ('bestedingsruimte', 'Bestedingsruimte: gereserveerd plus gerealiseerd van een aanbieder tegen zijn ruimte')], help_text='Waarop de drempels letten.', max_length=20, verbose_name='soort')),
                ('percentages', models.JSONField(blank=True, default=list, help_text='De drempels in procenten van de norm, oplopend, bijvoorbeeld [80, 90, 100]; een lege lijst zet deze signalering uit.', verbose_name='percentages')),
                ('bijgewerkt_op', models.DateTimeField(auto_now=True, help_text='Moment van de laatste wijziging.', verbose_name='bijgewerkt op')),
            ],
            options={
                'verbose_name': 'signaleringsdrempel',
                'verbose_name_plural': 'signaleringsdrempels',
                'ordering': ['gemeente_id', 'soort', 'budgetpost_id'],
            },
        ),
        migrations.AddField(
            model_name='reservering',
            name='begindatum',
            field=models.DateField(blank=True, help_text='Eerste dag van de periode waarover het bedrag verwacht wordt (de toewijzing); leeg: het hele begrotingsjaar.', null=True, verbose_name='begindatum'),
        ),
        migrations.AddField(
            model_name='reservering',
            name='doorgerold_uit',
            field=models.OneToOneField(blank=True, help_text='De reservering van het vorige jaar waarvan deze het restant overnam bij het doorrollen; leeg bij een nieuwe reservering.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='doorgerold_naar', to='financien.reservering', verbose_name='doorgerold uit'),
        ),
        migrations.AddField(
            model_name='reservering',
            name='einddatum',
            field=models.DateField(blank=True, help_text='Laatste dag van die periode (inclusief); mag in een volgend jaar liggen. Leeg: het hele begrotingsjaar.', null=True, verbose_name='einddatum'),
        ),
        migrations.AddConstraint(
            model_name='reservering',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('begindatum__isnull', True), ('einddatum__isnull', True)), models.Q(('begindatum__isnull', False), ('einddatum__gte', models.F('begindatum')), ('einddatum__isnull', False)), _connector='OR'), name='reservering_periode_geldig', violation_error_code='periode_ongeldig'),
        ),
        migrations.AddField(
            model_name='signalering',
            name='bestedingsruimte',
            field=models.ForeignKey(blank=True, help_text='De bestedingsruimte (soort bestedingsruimte).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signaleringen', to='contracten.bestedingsruimte', verbose_name='bestedingsruimte'),
        ),
        migrations.AddField(
            model_name='signalering',
            name='bevestigd_door',
            field=models.ForeignKey(blank=True, help_text='Wie de signalering bevestigde.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='bevestigd door'),
        ),
        migrations.AddField(
            model_name='signalering',
            name='budgetpost',
            field=models.ForeignKey(blank=True, help_text='De budgetpost (soorten budgetpost en prognose).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signaleringen', to='financien.budgetpost', verbose_name='budgetpost'),
        ),
        migrations.AddField(
            model_name='signalering',
            name='gemeente',
            field=models.ForeignKey(help_text='De gemeente van het onderwerp.', on_delete=django.db.models.deletion.PROTECT, related_name='signaleringen', to='kern.gemeente', verbose_name='gemeente'),
        ),
        migrations.AddField(
            model_name='signalering',
            name='zorgaanbieder',
            field=models.ForeignKey(blank=True, help_text='De aanbieder (soorten toewijzing en bestedingsruimte).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signaleringen', to='contracten.zorgaanbieder', verbose_name='zorgaanbieder'),
        ),
        migrations.AddField(
            model_name='signaleringsdrempel',
            name='budgetpost',
            field=models.ForeignKey(blank=True, help_text='Alleen voor deze budgetpost; leeg: voor alle budgetposten van de gemeente.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signaleringsdrempels', to='financien.budgetpost', verbose_name='budgetpost'),
        ),
        migrations.AddField(
            model_name='signaleringsdrempel',
            name='gemeente',
            field=models.ForeignKey(help_text='De gemeente waarvoor de drempels gelden.', on_delete=django.db.models.deletion.PROTECT, related_name='signaleringsdrempels', to='kern.gemeente', verbose_name='gemeente'),
        ),
        migrations.AddIndex(
            model_name='signalering',
            index=models.Index(fields=['gemeente', 'jaar'], name='signalering_gemeente_jaar_idx'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.UniqueConstraint(condition=models.Q(('beeindigd_op__isnull', True)), fields=('soort', 'onderwerp_sleutel', 'drempel'), name='signalering_een_lopende_per_drempel'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(('soort__in', ['budgetpost', 'prognose', 'toewijzing', 'bestedingsruimte'])), name='signalering_soort_geldig'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(('drempel__gte', 1), ('drempel__lte', 1000)), name='signalering_drempel_redelijk'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('budgetpost__isnull', False), ('soort__in', ('budgetpost', 'prognose'))), models.Q(('soort', 'toewijzing'), models.Q(('bron_id', ''), _negated=True)), models.Q(('bestedingsruimte__isnull', False), ('soort', 'bestedingsruimte')), _connector='OR'), name='signalering_onderwerp_bij_soort'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(('bevestigd_door__isnull', True), ('bevestigd_op__isnull', False), _connector='OR'), name='signalering_bevestigd_met_moment'),
        ),
        migrations.AddConstraint(
            model_name='signaleringsdrempel',
            constraint=models.UniqueConstraint(condition=models.Q(('budgetpost__isnull', True)), fields=('gemeente', 'soort'), name='signaleringsdrempel_uniek_gemeente'),
        ),
        migrations.AddConstraint(
            model_name='signaleringsdrempel',
            constraint=models.UniqueConstraint(condition=models.Q(('budgetpost__isnull', False)), fields=('soort', 'budgetpost'), name='signaleringsdrempel_uniek_budgetpost'),
        ),
        migrations.AddConstraint(
            model_name='signaleringsdrempel',
            constraint=models.CheckConstraint(condition=models.Q(('soort__in', ['budgetpost', 'prognose', 'toewijzing', 'bestedingsruimte'])), name='signaleringsdrempel_soort_geldig'),
        ),
        migrations.AddConstraint(
            model_name='signaleringsdrempel',
            constraint=models.CheckConstraint(condition=models.Q(('budgetpost__isnull', True), ('soort__in', ('budgetpost', 'prognose')), _connector='OR'), name='signaleringsdrempel_budgetpost_bij_soort'),
        ),
    ]
