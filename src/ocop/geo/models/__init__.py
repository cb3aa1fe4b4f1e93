from .units import AdministrativeUnit, GazetteerImport, UnitSuccession

__all__ = ["AdministrativeUnit", "GazetteerImport", "UnitSuccession"]
