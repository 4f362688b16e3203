# Type stubs of the lmp package (docs/python.md).
import os
from typing import Any, Dict, List, Optional, Sequence, Union

import pandas

Model = Union[str, os.PathLike, Dict[str, Any]]
Hardware = Union[str, Dict[str, Any]]
Paths = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]]
Ints = Union[int, Sequence[int], range]
Names = Union[str, Sequence[str]]

__version__: str

class Error(Exception):
    message: str
    file: str
    place: str
    option: str
    detail: str
    def __init__(self, message: str, file: str = ..., place: str = ..., option: str = ..., detail: str = ...) -> None: ...

class InputError(Error): ...
class ModelError(Error): ...
class DatabaseError(Error): ...

class Analysis:
    model_id: str
    parameters: int
    stages: List[str]
    totals: Dict[str, Dict[str, Any]]
    operations: List[Dict[str, Any]]
    memory: Optional[Dict[str, Any]]
    def to_dict(self) -> Dict[str, Any]: ...
    def to_pandas(self) -> pandas.DataFrame: ...
    def table(self) -> str: ...
    def csv(self) -> str: ...
    def html(self) -> Optional[str]: ...
    def _repr_html_(self) -> Optional[str]: ...
    def plot_roofline(self, ax: Any = ..., stage: Optional[str] = ...) -> Any: ...

class Generation:
    ttft_s: float
    tpot_s: float
    e2e_s: float
    tokens_per_s: float
    request_flops: float
    request_bytes: float
    memory: Dict[str, Any]
    fits: bool
    def to_dict(self) -> Dict[str, Any]: ...
    def text(self) -> str: ...
    def html(self) -> str: ...
    def _repr_html_(self) -> str: ...

def analyze(model: Model, *, batch: int = ..., seq: Optional[int] = ..., prompt: Optional[int] = ...,
            kv_len: Optional[int] = ..., stage: str = ..., hardware: Optional[Hardware] = ..., w_bits: int = ...,
            a_bits: int = ..., kv_bits: int = ..., w_group_size: int = ..., compute: str = ...,
            profile: Optional[str] = ..., sram_bytes: Optional[int] = ..., all_logits: bool = ...,
            runtime: Optional[str] = ..., tp: int = ..., pp: int = ..., ep: int = ..., dp: int = ...,
            parallel: Optional[str] = ..., cluster: Optional[str] = ..., nodes: Optional[int] = ...,
            microbatches: Optional[int] = ..., pp_stage: int = ..., db: Optional[Paths] = ...,
            hardware_file: Optional[Paths] = ..., runtime_file: Optional[Paths] = ...,
            cluster_file: Optional[Paths] = ..., sharding_file: Optional[Paths] = ...) -> Analysis: ...

def generate(model: Model, *, hardware: Hardware, batch: int = ..., prompt: Optional[int] = ...,
             seq: Optional[int] = ..., gen: int = ..., w_bits: int = ..., a_bits: int = ..., kv_bits: int = ...,
             w_group_size: int = ..., compute: str = ..., profile: Optional[str] = ...,
             sram_bytes: Optional[int] = ..., runtime: Optional[str] = ..., tp: int = ..., pp: int = ...,
             ep: int = ..., dp: int = ..., parallel: Optional[str] = ..., cluster: Optional[str] = ...,
             nodes: Optional[int] = ..., microbatches: Optional[int] = ..., db: Optional[Paths] = ...,
             hardware_file: Optional[Paths] = ..., runtime_file: Optional[Paths] = ...,
             cluster_file: Optional[Paths] = ..., sharding_file: Optional[Paths] = ...) -> Generation: ...

def fit(model: Model, *, hardware: Hardware, batch: Optional[int] = ..., prompt: Optional[int] = ...,
        seq: Optional[int] = ..., gen: int = ..., w_bits: int = ..., a_bits: int = ..., kv_bits: int = ...,
        w_group_size: int = ..., compute: str = ..., profile: Optional[str] = ..., runtime: Optional[str] = ...,
        tp: int = ..., pp: int = ..., ep: int = ..., dp: int = ..., parallel: Optional[str] = ...,
        cluster: Optional[str] = ..., nodes: Optional[int] = ..., microbatches: Optional[int] = ...,
        db: Optional[Paths] = ..., hardware_file: Optional[Paths] = ..., cluster_file: Optional[Paths] = ...,
        sharding_file: Optional[Paths] = ...) -> Dict[str, Any]: ...

def compare(model: Optional[Union[str, os.PathLike]] = ..., *, a: Dict[str, Any], b: Dict[str, Any],
            db: Optional[Paths] = ..., hardware_file: Optional[Paths] = ..., runtime_file: Optional[Paths] = ...,
            **shared: Any) -> Dict[str, Any]: ...

def sweep(*, model: Names, hardware: Names, batch: Ints = ..., prompt: Ints = ..., gen: Ints = ...,
          w_bits: Ints = ..., a_bits: Ints = ..., kv_bits: Ints = ..., profile: Optional[Names] = ...,
          runtime: Optional[str] = ..., w_group_size: int = ..., compute: str = ..., tp: Ints = ..., pp: Ints = ...,
          ep: Ints = ..., dp: Ints = ..., jobs: Optional[int] = ..., db: Optional[Paths] = ...,
          hardware_file: Optional[Paths] = ..., runtime_file: Optional[Paths] = ...) -> pandas.DataFrame: ...

def plan(model: Union[str, os.PathLike], *, hardware: str, gpus: int, prompt: int = ..., gen: int = ...,
         max_tpot: Optional[Union[float, str]] = ..., max_ttft: Optional[Union[float, str]] = ...,
         max_batch: int = ..., w_bits: int = ..., a_bits: int = ..., kv_bits: int = ..., runtime: Optional[str] = ...,
         cluster: Optional[str] = ..., jobs: Optional[int] = ..., db: Optional[Paths] = ...,
         hardware_file: Optional[Paths] = ..., runtime_file: Optional[Paths] = ...,
         cluster_file: Optional[Paths] = ..., sharding_file: Optional[Paths] = ...) -> Dict[str, Any]: ...

def validate(*, split: str = ..., gpus: str = ..., runtime: Optional[str] = ..., dataset: Optional[Paths] = ...,
             db: Optional[Paths] = ..., hardware_file: Optional[Paths] = ...,
             runtime_file: Optional[Paths] = ...) -> Dict[str, Any]: ...

def models() -> List[Dict[str, str]]: ...
def hardware(name: Optional[str] = ..., *, hardware_file: Optional[Paths] = ...) -> Any: ...
def module_eval(name: str, params: Optional[Dict[str, Union[int, str]]] = ..., *, w_bits: int = ...,
                a_bits: int = ..., kv_bits: int = ..., w_group_size: int = ..., profile: Optional[str] = ...,
                sram_bytes: Optional[int] = ..., db: Optional[Paths] = ...) -> Dict[str, Any]: ...
