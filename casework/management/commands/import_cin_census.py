from casework.importers.cin_census import CINCensusImporter
from casework.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import CIN census XML files (children, referrals, assessments, plans, conferences)."
    importer_class = CINCensusImporter
