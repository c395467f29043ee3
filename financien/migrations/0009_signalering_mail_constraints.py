# The constraints of 0008's fields, in a migration of their own: PostgreSQL does not alter a
# table in the transaction that just updated its rows (pending trigger events).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('financien', '0008_signalering_mail'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(('mail_status__in', ['te_versturen', 'verstuurd', 'geen_ontvangers', 'mislukt', 'onbekend'])), name='signalering_mail_status_geldig'),
        ),
        migrations.AddConstraint(
            model_name='signalering',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('gemaild_op__isnull', False), ('mail_status', 'verstuurd')), models.Q(models.Q(('mail_status', 'verstuurd'), _negated=True), ('gemaild_op__isnull', True)), _connector='OR'), name='signalering_gemaild_met_moment'),
        ),
    ]
