"""The values H5P validation works with: problems found and the package as read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One precise problem: which file, which field (may be empty), what is wrong."""

    file: str
    field: str
    message: str

    def as_dict(self):
        return {"file": self.file, "field": self.field, "message": self.message}

    def __str__(self):
        where = f"{self.file} [{self.field}]" if self.field else self.file
        return f"{where}: {self.message}"


class H5PValidationError(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues))

    @property
    def messages(self) -> list[str]:
        return [str(i) for i in self.issues]


@dataclass(frozen=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self):
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self):
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class PackagedLibrary:
    ref: LibraryRef
    patch: int
    metadata: dict
    files: dict[str, bytes]  # path inside the library folder -> bytes

    @property
    def dependencies(self) -> list[LibraryRef]:
        refs = []
        for key in ("preloadedDependencies", "dynamicDependencies"):
            for dep in self.metadata.get(key) or []:
                refs.append(
                    LibraryRef(
                        dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"])
                    )
                )
        return refs


@dataclass
class ValidatedPackage:
    h5p_json: dict
    content_files: dict[str, bytes]  # path under content/ -> bytes
    libraries: dict[LibraryRef, PackagedLibrary] = field(default_factory=dict)
    # refs needed at play time, resolved from the package or the store
    needed: set[LibraryRef] = field(default_factory=set)
    # Files not taken, each {"file", "reason", ...}: library files of a type refused for
    # safety ("type", with "ext"; "svg" for an SVG with scripts), never stored or served;
    # files at the top of the package other than h5p.json ("root"), ignored as H5P core does.
    left_out: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)

    @property
    def title(self):
        return self.h5p_json["title"]

    @property
    def main_library(self):
        return self.h5p_json["mainLibrary"]

    @property
    def language(self):
        return self.h5p_json.get("language", "")
