"""Safe persistence: fitted estimators as JSON + safetensors, loaded without executing code."""

from skop.io._checkpoint import ResumeTraining, TrainingCheckpoint
from skop.io._persist import FORMAT_VERSION, load, save
from skop.io._registry import UntrustedFileError

__all__ = ["FORMAT_VERSION", "ResumeTraining", "TrainingCheckpoint", "UntrustedFileError",
           "load", "save"]
