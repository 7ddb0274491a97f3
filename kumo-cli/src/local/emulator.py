"""moto's server as kumo's local CloudFormation emulator.

Four fixes over moto (up to 5.2.5), each applied only where moto has the parts it mends and
lacks what it adds:
- a stack created or updated through a change set gets its outputs and exports, and can import
  other stacks' exports, as on CloudFormation, so that `outputs`, `Fn::ImportValue` and
  cross-stack parameters work locally;
- UpdateTerminationProtection turns a stack's termination protection on or off;
- UpdateStackSet keeps each stack instance's parameter overrides, as on CloudFormation (moto
  replaces them with the stack set's values);
- a nested stack (AWS::CloudFormation::Stack) answers Fn::GetAtt of `Outputs.Name` with its
  output, as on CloudFormation.
"""

import sys

from moto.cloudformation import models, responses
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


def _add_termination_protection():
    response = responses.CloudFormationResponse
    if hasattr(response, "update_termination_protection") or not hasattr(
        response, "set_stack_policy"
    ):
        return

    def update_termination_protection(self):
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param(
            "EnableTerminationProtection"
        )
        return responses.ActionResult({"StackId": stack.stack_id})

    response.update_termination_protection = update_termination_protection


def _keep_instance_overrides():
    stack_set = getattr(models, "StackSet", None)
    if not hasattr(stack_set, "update"):
        return
    update = stack_set.update

    def update_keeping_overrides(self, *args, **kwargs):
        kept = [(i, i.parameters) for i in getattr(self, "stack_instances", [])]
        operation = update(self, *args, **kwargs)
        for instance, parameters in kept:
            instance.parameters = parameters
        return operation

    stack_set.update = update_keeping_overrides


def _add_nested_stack_outputs():
    stack = models.Stack
    if "get_cfn_attribute" in vars(stack) or not hasattr(stack, "_create_output_map"):
        return
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    def get_cfn_attribute(self, attribute_name):
        name = attribute_name.removeprefix("Outputs.")
        if name != attribute_name and name in self.output_map:
            return self.output_map[name].value
        raise UnformattedGetAttTemplateException()

    stack.get_cfn_attribute = get_cfn_attribute


_mend_change_sets()
_add_termination_protection()
_keep_instance_overrides()
_add_nested_stack_outputs()
main(sys.argv[1:])
