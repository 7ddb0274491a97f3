"""moto's server as kumo's local CloudFormation emulator.

One fix over moto (up to 5.2.5): a stack created or updated through a change set gets its
outputs and exports, and can import other stacks' exports, as on CloudFormation, so that
`outputs`, `Fn::ImportValue` and cross-stack parameters work locally. The fix applies only
where moto has the parts it mends.
"""

import sys

from moto.cloudformation import models
from moto.server import main


def _mend_change_sets():
    parts = {
        "ChangeSet": ("apply",),
        "Stack": ("_parse_template", "_create_output_map"),
        "CloudFormationBackend": ("execute_change_set",),
    }
    for cls, names in parts.items():
        if not all(hasattr(getattr(models, cls, None), name) for name in names):
            return
    apply = models.ChangeSet.apply
    execute = models.CloudFormationBackend.execute_change_set

    def apply_with_outputs(self):
        apply(self)
        self.stack.template = self.template
        self.stack._parse_template()
        self.stack.output_map = self.stack._create_output_map()

    def execute_with_exports(self, change_set_name, stack_name=None):
        # Every stack of the region sees the region's exports, as those made by CreateStack do.
        for stack in self.stacks.values():
            stack.cross_stack_resources = self.exports
            stack.resource_map.cross_stack_resources = self.exports
        execute(self, change_set_name, stack_name)
        self.exports.clear()
        for stack in self.stacks.values():
            for export in stack.exports:
                self.exports[export.name] = export

    models.ChangeSet.apply = apply_with_outputs
    models.CloudFormationBackend.execute_change_set = execute_with_exports


_mend_change_sets()
main(sys.argv[1:])
